"""Heads' duty to receive citizens over a report's period, counted per head and per month (issue #16).

The monthly page (citizens.selectors.duty_compliance) judges one month; a report needs the months of its period.
Summing that page's rows gives unit × head × month "duties", which no reader can picture, and a period spanning the
2025 merger would count the former wards and the new ones alike. This module counts heads instead, and judges each
calendar month exactly once: in the period containing the month's last day, on the units that existed that day.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from citizens.choices import DutyPeriod, HeadPosition, SessionStatus
from citizens.models import ReceptionDutyRule, ReceptionSession
from organizations.models import Unit

# The prefix of each position's figures in head_duty_summary's result.
POSITION_KEYS: dict[str, str] = {HeadPosition.PARTY_SECRETARY: "secretary", HeadPosition.PC_CHAIRMAN: "chairman"}

FIGURES = ("heads_due", "heads_met_all", "heads_short", "head_months_due", "head_months_met", "head_months_short")


@dataclass(frozen=True)
class JudgedMonth:
    first: date
    last: date
    # The weeks of the month, as duty_compliance counts them: those starting (on a Monday) in the month.
    mondays: tuple[date, ...]


def months_judged(start: date, end: date) -> list[JudgedMonth]:
    """The calendar months whose last day falls in [start, end]: each month belongs to exactly one report of a
    series of adjoining periods (the party's half-years run 15/12–14/06 and 15/06–14/12, so 15/12/2025–14/06/2026
    judges December 2025 to May 2026, and June 2026 falls to the next half-year)."""
    months = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        first = date(year, month, 1)
        last = first.replace(day=calendar.monthrange(year, month)[1])
        if start <= last <= end:
            monday = first + timedelta(days=(7 - first.weekday()) % 7)
            mondays = tuple(monday + timedelta(days=7 * n) for n in range((last - monday).days // 7 + 1))
            months.append(JudgedMonth(first=first, last=last, mondays=mondays))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _rule_of_month(rules: list[ReceptionDutyRule], month: JudgedMonth) -> dict[tuple[str, str], ReceptionDutyRule]:
    """Per (unit kind, head), the rule of the month: among the rules valid at some time in the month (those
    duty_compliance shows), the one that came into force last, so a head is judged once a month."""
    chosen: dict[tuple[str, str], ReceptionDutyRule] = {}
    for rule in rules:
        if (rule.valid_from is not None and rule.valid_from > month.last) or (
            rule.valid_to is not None and rule.valid_to < month.first
        ):
            continue
        key = (rule.unit_kind, rule.head_position)
        current = chosen.get(key)
        if current is None or (current.valid_from or date.min) < (rule.valid_from or date.min):
            chosen[key] = rule
    return chosen


def _met(rule: ReceptionDutyRule, month: JudgedMonth, days: set[date]) -> bool:
    """Whether the head received in person often enough in the month. A weekly rule is met when every week of
    the month is (a week starting in the month runs to its Sunday, in the next month if need be)."""
    if rule.period == DutyPeriod.WEEK:
        return all(
            sum(1 for d in days if monday <= d <= monday + timedelta(days=6)) >= rule.min_days
            for monday in month.mondays
        )
    return sum(1 for d in days if month.first <= d <= month.last) >= rule.min_days


def _evidence_ends(rule: ReceptionDutyRule, month: JudgedMonth) -> date:
    """The last day whose sessions count towards the month under the rule."""
    if rule.period == DutyPeriod.WEEK and month.mondays:
        return max(month.last, month.mondays[-1] + timedelta(days=6))
    return month.last


def head_duty_summary(*, unit_ids: frozenset[int] | None, start: date, end: date) -> dict[str, int]:
    """Heads' duty to receive citizens in the period [start, end], for the units `unit_ids` (the report's
    subtree, with the former units it succeeded) or the whole city (None). Three queries, whatever the units.

    A head is one position (the party committee secretary, the People's Committee chairman) of one unit, where
    a duty rule (ReceptionDutyRule) exists for that position at that unit's level. A month is judged in the period
    that contains its last day, for the units that existed on that day, so a former ward is judged up to June
    2025 and its successor from July 2025, never both for the same month. A month is met when the head received
    citizens in person (a held session, not voided, hosted by the head, not delegated) on at least the rule's
    number of days: in the month, or, for a weekly rule, in every week starting in the month. A month whose
    last day or last week has not ended yet (before today) is not judged yet.

    Figures:
    - heads_due: heads with at least one month judged in the period;
    - heads_met_all: of those, heads who met their duty in every month judged;
    - heads_short: heads who fell short in at least one month (heads_due − heads_met_all);
    - head_months_due: months judged, counted once per head (a head judged on 6 months counts 6);
    - head_months_met: of those, the months in which the head met the duty;
    - head_months_short: the months in which the head fell short (head_months_due − head_months_met);
    - secretary_<figure>, chairman_<figure>: the same six figures for party committee secretaries only and
      People's Committee chairmen only (each sums with the other to the overall figure).
    """
    today = timezone.localdate()
    months = months_judged(start, end)
    rules = list(ReceptionDutyRule.objects.filter(head_position__in=POSITION_KEYS))
    kinds = {rule.unit_kind for rule in rules}
    summary = {f"{prefix}{name}": 0 for prefix in ["", *(f"{p}_" for p in POSITION_KEYS.values())] for name in FIGURES}
    if not months or not kinds or unit_ids == frozenset():
        return summary
    units = Unit.objects.filter(kind__in=kinds).filter(
        # Units that existed on the last day of at least one of the months.
        Q(valid_from__isnull=True) | Q(valid_from__lte=months[-1].last),
        Q(valid_to__isnull=True) | Q(valid_to__gte=months[0].last),
    )
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    unit_rows = list(units.order_by().values_list("pk", "kind", "valid_from", "valid_to"))

    tz = timezone.get_current_timezone()
    window_end = max(month.mondays[-1] + timedelta(days=6) if month.mondays else month.last for month in months)
    held_days = (
        ReceptionSession.objects.filter(
            unit__in=units.order_by().values("pk"),
            is_void=False,
            status=SessionStatus.HELD,
            head_in_person=True,
            head_position__in=POSITION_KEYS,
            starts_at__gte=timezone.make_aware(datetime.combine(months[0].first, time.min), tz),
            starts_at__lt=timezone.make_aware(datetime.combine(window_end + timedelta(days=1), time.min), tz),
        )
        .annotate(day=TruncDate("starts_at", tzinfo=tz))
        .order_by()
        .values_list("unit_id", "head_position", "day")
        .distinct()
    )
    days_by_head: dict[tuple[int, str], set[date]] = defaultdict(set)
    for unit_id, position, day in held_days:
        days_by_head[(unit_id, position)].add(day)

    # Per head: [months judged, months met].
    tally: dict[tuple[int, str], list[int]] = {}
    for month in months:
        month_rules = _rule_of_month(rules, month)
        for pk, kind, valid_from, valid_to in unit_rows:
            if (valid_from is not None and valid_from > month.last) or (valid_to is not None and valid_to < month.last):
                continue
            for position in POSITION_KEYS:
                rule = month_rules.get((kind, position))
                if rule is None or _evidence_ends(rule, month) >= today:
                    continue
                counts = tally.setdefault((pk, position), [0, 0])
                counts[0] += 1
                counts[1] += _met(rule, month, days_by_head.get((pk, position), set()))

    for (_unit, position), (due, met) in tally.items():
        for prefix in ("", f"{POSITION_KEYS[position]}_"):
            summary[f"{prefix}heads_due"] += 1
            summary[f"{prefix}heads_met_all"] += met == due
            summary[f"{prefix}heads_short"] += met < due
            summary[f"{prefix}head_months_due"] += due
            summary[f"{prefix}head_months_met"] += met
            summary[f"{prefix}head_months_short"] += due - met
    return summary
