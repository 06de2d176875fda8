"""Reads of the reception register. Each starts from the user's scope and loads what its page shows in a
fixed number of queries."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.db.models import Aggregate, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.confidentiality import identity_scope, log_identity_views, mask_records, may_see_identity
from accounts.models import User
from accounts.scoping import Principal
from citizens.choices import DutyPeriod, HeadPosition, SessionStatus
from citizens.models import Citizen, ReceptionDutyRule, ReceptionSession, Visit
from citizens.stats import visit_totals
from core.history import history_entries
from organizations.models import Unit


def _visit_subquery(aggregate: Aggregate) -> Coalesce:
    visits = Visit.objects.filter(session=OuterRef("pk"), is_void=False).order_by().values("session")
    return Coalesce(Subquery(visits.annotate(value=aggregate).values("value"), output_field=IntegerField()), 0)


def session_list_queryset() -> QuerySet[ReceptionSession]:
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


def known_only_as_denouncer() -> Q:
    """The citizens a unit knows only through protected records (accounts/confidentiality.py): something names
    them, and every visit, letter and case naming them that is not voided is protected. The records are found
    through the reverse relations to Citizen whose model states CONFIDENTIAL (visits here; letters and cases,
    which this layer reaches without importing them)."""
    protected, known = [], []
    for relation in Citizen._meta.related_objects:
        model = relation.related_model
        if not relation.one_to_many or not hasattr(model, "CONFIDENTIAL"):
            continue
        naming = model._default_manager.filter(is_void=False, **{relation.field.name: OuterRef("pk")})
        protected.append(Q(Exists(naming.filter(model.CONFIDENTIAL))))
        known.append(Q(Exists(naming.exclude(model.CONFIDENTIAL))))
    return reduce(or_, protected) & ~reduce(or_, known)


def citizens_shown(queryset: QuerySet[Citizen], user: Principal) -> QuerySet[Citizen]:
    """The citizens of `queryset` that `user` may know of: a person known only as a denouncer is left out, except
    in the units where the user may see identities (for lists, search and look-ups). A person anonymised by a
    disposal is no one to look up."""
    queryset = queryset.filter(is_anonymised=False)
    scope = identity_scope(user)
    if scope.everything:
        return queryset
    hidden = known_only_as_denouncer()
    if scope.unit_ids:
        hidden &= ~Q(unit__in=scope.unit_ids)
    return queryset.exclude(hidden)


@dataclass
class SessionPage:
    visits: list[Visit]
    totals: dict[str, int]


def session_page(*, session: ReceptionSession, user: Principal, path: str) -> SessionPage:
    """The visits of a session with their citizens and cases, and the session's totals. Who came is masked
    (`visit.identity_masked`) on a protected visit the user may not see; shown, it is logged."""
    visits = list(session.visits.active().select_related("citizen", "field", "opened_case").order_by("pk"))
    mask_records(visits, user=user, path=path, unit_id=lambda visit: session.unit_id)
    return SessionPage(visits=visits, totals=visit_totals(session.visits.all()))


def citizen_visits(*, citizen: Citizen, user: Principal) -> list[Visit]:
    """A citizen's visits in scope, for their page (whose view shows only citizens_shown). Protected visits are
    left out for a user without the identity right, and not counted either: a count would say that this named
    person denounced. Shown, they are logged."""
    visits = mask_records(
        Visit.objects.visible_to(user)
        .active()
        .filter(citizen=citizen)
        .select_related("session", "session__unit", "field", "opened_case")
        .order_by("-session__starts_at"),
        user=user,
        path=citizen.get_absolute_url(),
        unit_id=lambda visit: visit.session.unit_id,
    )
    return [visit for visit in visits if not visit.identity_masked]


def schedule(*, user: Principal, days: int = 60) -> QuerySet[ReceptionSession]:
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


def duty_compliance(*, user: Principal, month: date) -> list[DutyRow]:
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


# What names the person on a visit's history rows.
VISIT_IDENTITY_FIELDS = frozenset({"citizen", "representatives"})


def session_history(*, session: ReceptionSession, user: User | None = None, path: str = "") -> list[dict]:
    """The session's and its visits' history, newest first: who, when, and old → new per field. On a protected
    visit, who came (the citizen, the group's other representatives) shows as changed without the values unless
    `user` may see it (without a user, never); shown, it is logged."""
    entries = history_entries(session.history.all(), label=_("Session"))
    visits = Visit.history.filter(session_id=session.pk)
    protected = list(Visit.objects.filter(session=session).filter(Visit.CONFIDENTIAL).order_by("pk"))
    hidden = user is None or not may_see_identity(user, session.unit_id)
    ids = [visit.pk for visit in protected]
    entries += history_entries(visits.exclude(id__in=ids), label=_("Visit"))
    protected_entries = history_entries(
        visits.filter(id__in=ids), label=_("Visit"), mask_fields=VISIT_IDENTITY_FIELDS if hidden else frozenset()
    )
    if user is not None and not hidden:
        labels = {field.verbose_name for field in Visit._meta.fields if field.name in VISIT_IDENTITY_FIELDS}
        changed = {e["object_id"] for e in protected_entries if any(c["field"] in labels for c in e["changes"])}
        shown = [visit for visit in protected if visit.pk in changed]
        if shown:
            path = path or session.get_absolute_url()
            log_identity_views(user=user, records=shown, path=path, unit_id=lambda visit: session.unit_id)
    return sorted(entries + protected_entries, key=lambda e: e["at"], reverse=True)


def reception_month_summary(*, user: Principal, month: date) -> dict[str, int]:
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
