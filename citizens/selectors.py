"""Reads of the reception register. Each starts from the user's scope and loads what its page shows in a
fixed number of queries."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action
from accounts.scoping import unit_scope
from cases.choices import CaseKind
from citizens.choices import DutyPeriod, HeadPosition, SessionStatus
from citizens.models import Citizen, ReceptionDutyRule, ReceptionSession, Visit
from citizens.stats import visit_totals
from core.history import history_entries
from core.models import PersonalDataAccess
from organizations.models import Unit


def _visit_subquery(aggregate):
    visits = Visit.objects.filter(session=OuterRef("pk"), is_void=False).order_by().values("session")
    return Coalesce(Subquery(visits.annotate(value=aggregate).values("value"), output_field=IntegerField()), 0)


def session_list_queryset() -> QuerySet:
    """Sessions with, per row, the visits, people and cases opened (correlated subqueries: one query a page)."""
    return (
        ReceptionSession.objects.active()
        .select_related("unit")
        .annotate(
            visit_count=_visit_subquery(Count("pk")),
            people_count=_visit_subquery(Sum("people_count")),
            case_count=_visit_subquery(Count("opened_case")),
        )
        .order_by("-starts_at", "-pk")
    )


def identity_visible(user, unit_id: int) -> bool:
    return unit_scope(user, Action.SEE_IDENTITY).contains(unit_id)


def log_identity_views(*, user, records: list, unit_id: int, path: str) -> None:
    """Every view of a confidential identity is logged (Law on Denunciations 2018, Art. 47)."""
    PersonalDataAccess.objects.bulk_create(
        [
            PersonalDataAccess(
                user=user, kind=PersonalDataAccess.Kind.VIEW_IDENTITY, unit_id=unit_id, record=str(r)[:200], path=path
            )
            for r in records
        ]
    )


@dataclass
class SessionPage:
    visits: list[Visit]
    totals: dict[str, int]


def session_page(*, session: ReceptionSession, user, path: str) -> SessionPage:
    """The visits of a session with their citizens and cases, and the session's totals.

    A denouncer's identity is masked (`visit.identity_masked`) unless the user has the explicit right; when
    shown, the view is logged.
    """
    visits = list(session.visits.active().select_related("citizen", "field", "opened_case").order_by("pk"))
    can_see = identity_visible(user, session.unit_id)
    shown = []
    for visit in visits:
        confidential = visit.content_kind == CaseKind.DENUNCIATION
        visit.identity_masked = confidential and not can_see
        if confidential and can_see:
            shown.append(visit)
    if shown:
        log_identity_views(user=user, records=shown, unit_id=session.unit_id, path=path)
    return SessionPage(visits=visits, totals=visit_totals(session.visits.all()))


def citizen_visits(*, citizen: Citizen, user) -> tuple[list[Visit], int]:
    """A citizen's visits in scope; visits that carry a denunciation are withheld without the identity right
    (listing them would reveal who denounced). Returns the visits and how many were withheld."""
    visits = list(
        Visit.objects.visible_to(user)
        .active()
        .filter(citizen=citizen)
        .select_related("session", "session__unit", "field", "opened_case")
        .order_by("-session__starts_at")
    )
    scope = unit_scope(user, Action.SEE_IDENTITY)
    kept = [v for v in visits if v.content_kind != CaseKind.DENUNCIATION or scope.contains(v.session.unit_id)]
    return kept, len(visits) - len(kept)


def schedule(*, user, days: int = 60) -> QuerySet:
    """Upcoming scheduled sessions in scope (lịch tiếp công dân)."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        ReceptionSession.objects.visible_to(user)
        .active()
        .filter(status=SessionStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=start + timedelta(days=days))
        .select_related("unit")
        .order_by("starts_at", "unit__name")
    )


@dataclass
class DutyRow:
    unit: Unit
    rule: ReceptionDutyRule
    required: int
    actual: int
    days: int

    @property
    def met(self) -> bool:
        return self.actual >= self.required

    @property
    def requirement(self) -> str:
        if self.rule.period == DutyPeriod.WEEK:
            return _("at least {days} day(s) every week ({weeks} weeks)").format(
                days=self.rule.min_days, weeks=self.required
            )
        return _("at least {days} day(s) a month").format(days=self.rule.min_days)


def _mondays(first: date, last: date) -> list[date]:
    day = first + timedelta(days=(7 - first.weekday()) % 7)
    result = []
    while day <= last:
        result.append(day)
        day += timedelta(days=7)
    return result


def duty_compliance(*, user, month: date) -> list[DutyRow]:
    """Per unit in scope and per head with a duty, the days the head received citizens in person in `month`
    against the rule. Day counts come from one grouped query; the week rule counts the weeks starting in the
    month (Monday) in which the head received on enough days."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    tz = timezone.get_current_timezone()
    rules = [
        r
        for r in ReceptionDutyRule.objects.all()
        if (r.valid_from is None or r.valid_from <= last) and (r.valid_to is None or r.valid_to >= first)
    ]
    kinds = {r.unit_kind for r in rules}
    units = list(Unit.objects.visible_to(user).current(on=last).filter(kind__in=kinds).order_by("name"))
    mondays = _mondays(first, last)
    window_end = max([last, *(m + timedelta(days=6) for m in mondays)])
    held_days = (
        ReceptionSession.objects.visible_to(user)
        .active()
        .filter(
            unit__in=units,
            status=SessionStatus.HELD,
            head_in_person=True,
            head_position__in=HeadPosition.values,
            starts_at__gte=timezone.make_aware(datetime.combine(first, time.min), tz),
            starts_at__lt=timezone.make_aware(datetime.combine(window_end + timedelta(days=1), time.min), tz),
        )
        .annotate(day=TruncDate("starts_at", tzinfo=tz))
        .values_list("unit_id", "head_position", "day")
        .distinct()
    )
    days_by_key: dict[tuple[int, str], set[date]] = {}
    for unit_id, head, day in held_days:
        days_by_key.setdefault((unit_id, head), set()).add(day)
    rows = []
    for unit in units:
        for rule in (r for r in rules if r.unit_kind == unit.kind):
            days = days_by_key.get((unit.pk, rule.head_position), set())
            in_month = {d for d in days if first <= d <= last}
            if rule.period == DutyPeriod.WEEK:
                weeks_met = sum(
                    1 for m in mondays if sum(1 for d in days if m <= d <= m + timedelta(days=6)) >= rule.min_days
                )
                rows.append(DutyRow(unit=unit, rule=rule, required=len(mondays), actual=weeks_met, days=len(in_month)))
            else:
                rows.append(
                    DutyRow(unit=unit, rule=rule, required=rule.min_days, actual=len(in_month), days=len(in_month))
                )
    return rows


def session_history(*, session: ReceptionSession) -> list[dict]:
    """The session's and its visits' history, newest first: who, when, and old → new per field."""
    entries = history_entries(session.history.all(), label=_("Session"))
    entries += history_entries(Visit.history.filter(session_id=session.pk), label=_("Visit"))
    return sorted(entries, key=lambda e: e["at"], reverse=True)


def reception_month_summary(*, user, month: date) -> dict[str, int]:
    """This month's reception figures in the user's scope, for the overview page."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    held = (
        ReceptionSession.objects.visible_to(user)
        .active()
        .filter(status=SessionStatus.HELD, starts_at__date__gte=first, starts_at__date__lte=last)
    )
    summary = visit_totals(Visit.objects.filter(session__in=held))
    summary["sessions"] = held.count()
    return summary
