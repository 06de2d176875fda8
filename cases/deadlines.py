"""Statutory deadlines of a case: which rule applies, and the due date it gives (cases/calendar.py counts)."""

from datetime import date

from django.db.models import Q

from cases.calendar import DayKind as CalendarDayKind
from cases.calendar import WorkCalendar, deadline
from cases.choices import CaseKind, DeadlineStep
from cases.models import Case, DeadlineRule, Holiday


def work_calendar() -> WorkCalendar:
    """Working days from the holidays table (seeded from the `holidays` package, kept by administrators)."""
    off, on = set(), set()
    for day, is_working_day in Holiday.objects.values_list("date", "is_working_day"):
        (on if is_working_day else off).add(day)
    return WorkCalendar(holidays=frozenset(off), extra_working_days=frozenset(on))


def intake_step(kind: str) -> str:
    """The first deadline after receipt: a complaint must be accepted (or refused) within 10 days, a
    denunciation processed within 7 working days, any other letter processed within 10 working days."""
    if kind == CaseKind.COMPLAINT:
        return DeadlineStep.COMPLAINT_ACCEPT
    if kind == CaseKind.DENUNCIATION:
        return DeadlineStep.DENUNCIATION_INITIAL
    return DeadlineStep.LETTER_PROCESSING


def find_rule(*, step: str, case: Case, on: date) -> DeadlineRule | None:
    """The most specific rule in force on `on` for the step and the case's kind, attempt, complexity and area.
    A blank value on a rule means "any"."""
    candidates = DeadlineRule.objects.filter(
        Q(step=step),
        Q(case_kind="") | Q(case_kind=case.kind),
        Q(attempt="") | Q(attempt=case.attempt),
        Q(complexity="") | Q(complexity=case.complexity),
        Q(remote_area__isnull=True) | Q(remote_area=case.is_remote_area),
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
    )

    def specificity(rule: DeadlineRule) -> int:
        return sum([bool(rule.case_kind), bool(rule.attempt), bool(rule.complexity), rule.remote_area is not None])

    return max(candidates, key=specificity, default=None)


def compute_due(*, rule: DeadlineRule, counted_from: date, days: int | None = None, calendar=None) -> date:
    return deadline(counted_from, days or rule.days, CalendarDayKind(rule.day_kind), calendar or work_calendar())
