"""The figures of a report, computed by SQL aggregates (one aggregate query per section and period, grouped
queries for the breakdowns). Definitions follow DESIGN §5–6: letters, cases, visits and people are counted
apart; every figure is also computed for the same period of the previous year."""

import calendar
import operator
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import reduce

from django.db.models import Case as DbCase
from django.db.models import Count, DateField, F, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone, translation

from accounts.scoping import subtree_ids
from cases.choices import CaseKind, CaseStatus, DeadlineStep, EventKind, LetterDisposition, Outcome
from cases.models import Case, CaseDeadline, CaseEvent, CaseField, Letter
from citizens.choices import SessionKind, SessionStatus
from citizens.delegations import mass_q
from citizens.duty import head_duty_summary
from citizens.models import ReceptionSession, Visit
from citizens.stats import MASS as MASS_DELEGATION
from core.text import vietnamese_sort_key
from organizations.models import Inspection, InspectionConclusion, PlanTask, Unit, UnitSuccession, WeakDossier
from organizations.weak_list import weak_figures
from reports.catalogue import CATALOGUE, COUNT

Progress = Callable[[int, str], None]


def _in_units(queryset, path: str, unit_ids: frozenset[int] | None):
    return queryset if unit_ids is None else queryset.filter(**{f"{path}__in": unit_ids})


def _day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as aware datetimes in Hanoi time: [first instant, first instant after the last day)."""
    tz = timezone.get_current_timezone()
    first = timezone.make_aware(datetime.combine(start, time.min), tz)
    return first, timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)


def reception_figures(unit_ids, start: date, end: date) -> dict[str, int]:
    first, after = _day_range(start, end)
    sessions = _in_units(
        ReceptionSession.objects.filter(
            is_void=False, status=SessionStatus.HELD, starts_at__gte=first, starts_at__lt=after
        ),
        "unit",
        unit_ids,
    )
    figures = sessions.aggregate(
        sessions=Count("pk"),
        regular=Count("pk", filter=Q(kind=SessionKind.REGULAR)),
        periodic=Count("pk", filter=Q(kind=SessionKind.PERIODIC)),
        ad_hoc=Count("pk", filter=Q(kind=SessionKind.AD_HOC)),
        dialogues=Count("pk", filter=Q(kind=SessionKind.DIALOGUE)),
        heads_in_person=Count("pk", filter=~Q(head_position="") & Q(head_in_person=True)),
        heads_delegated=Count("pk", filter=~Q(head_position="") & Q(head_in_person=False)),
    )
    figures |= Visit.objects.filter(is_void=False, session__in=sessions).aggregate(
        visits=Count("pk"),
        people=Coalesce(Sum("people_count"), 0),
        delegations=Count("pk", filter=MASS_DELEGATION),
        delegation_people=Coalesce(Sum("people_count", filter=MASS_DELEGATION), 0),
        cases_opened=Count("opened_case"),
    )
    return figures


def letter_figures(unit_ids, start: date, end: date) -> dict[str, int]:
    return letter_figures_for(unit_ids, [(start, end)])[0]


def letter_figures_for(unit_ids, periods: list[tuple[date, date]]) -> list[dict[str, int]]:
    """The letter figures of several periods in one pass over the letters."""
    letters = _in_units(Letter.objects.filter(is_void=False), "unit", unit_ids)
    aggregates = {}
    for index, (start, end) in enumerate(periods):
        received = Q(received_on__range=(start, end))
        disposed = Q(disposed_on__range=(start, end))  # each handling by its own date (reports/catalogue.py)
        carried = Q(received_on__lt=start) & (Q(disposition="") | Q(disposed_on__gte=start))
        pending_at_end = Q(received_on__lte=end) & (Q(disposition="") | Q(disposed_on__gt=end))
        for name, condition in {
            "carried_over": carried,
            "received": received,
            "processable": received & Q(is_processable=True),
            "competent": received & Q(within_competence=True),
            "to_case": disposed & Q(disposition=LetterDisposition.CASE),
            "guided": disposed & Q(disposition=LetterDisposition.GUIDED),
            "transferred": disposed & Q(disposition=LetterDisposition.TRANSFERRED),
            "urged": disposed & Q(disposition=LetterDisposition.URGED),
            "archived": disposed & Q(disposition=LetterDisposition.ARCHIVED),
            "pending_at_end": pending_at_end,
        }.items():
            aggregates[f"{name}__{index}"] = Count("pk", filter=condition)
    totals = letters.aggregate(**aggregates)
    return [
        {name.rsplit("__", 1)[0]: value for name, value in totals.items() if name.endswith(f"__{index}")}
        for index in range(len(periods))
    ]


HANDLED_ELSEWHERE = (CaseStatus.NOT_ACCEPTED, CaseStatus.TRANSFERRED, CaseStatus.ARCHIVED)


def _cases(unit_ids):
    return _in_units(Case.objects.filter(is_void=False, merged_into__isnull=True), "unit", unit_ids)


def _with_ended_elsewhere(cases):
    """Cases annotated `ended_elsewhere_on`: the day a case was declined, transferred or archived (the day that move
    was recorded; for a case imported in one of those statuses, its day of receipt, since the import records a past
    fact), or None. The end of a case that is not concluded, for the figures that stand at a boundary."""
    tz = timezone.get_current_timezone()
    moved = (
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.TRANSITION, to_status__in=HANDLED_ELSEWHERE)
        .order_by("at")
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day")[:1]
    )
    imported = When(status__in=HANDLED_ELSEWHERE, then=F("received_on"))
    return cases.alias(
        ended_elsewhere_on=Coalesce(Subquery(moved), DbCase(imported, default=None), output_field=DateField())
    )


def case_figures(unit_ids, start: date, end: date) -> dict[str, int]:
    return case_figures_for(unit_ids, [(start, end)])[0]


def _pending_on(day: date) -> Q:
    """Received by `day` and, at the end of it, neither concluded nor ended elsewhere."""
    return (
        Q(received_on__lte=day)
        & (Q(concluded_on__isnull=True) | Q(concluded_on__gt=day))
        & (Q(ended_elsewhere_on__isnull=True) | Q(ended_elsewhere_on__gt=day))
    )


# The kinds of case a report breaks its resolution figures down by.
KIND_GROUPS = {
    "complaints": [CaseKind.COMPLAINT],
    "denunciations": [CaseKind.DENUNCIATION],
    "recommendations": [CaseKind.RECOMMENDATION, CaseKind.FEEDBACK],
}


def _case_counts(start: date, end: date) -> dict[str, object]:
    """The case counts of one period, as aggregate expressions (the definitions: reports/catalogue.py). New: received
    in the period; carried over: pending on the day before it starts, accepted or not; resolved: concluded in it."""
    new = Q(received_on__range=(start, end))
    carried = _pending_on(start - timedelta(days=1))
    to_handle = new | carried
    resolved = Q(concluded_on__range=(start, end))
    pending_at_end = _pending_on(end)
    by_kind = {}
    for group, kinds in KIND_GROUPS.items():
        by_kind[group] = Count("pk", filter=to_handle & Q(kind__in=kinds))
        by_kind[f"{group}_resolved"] = Count("pk", filter=resolved & Q(kind__in=kinds))
    return {
        "_rows": to_handle | resolved,
        "new": Count("pk", filter=new),
        "carried_over": Count("pk", filter=carried),
        "to_handle": Count("pk", filter=to_handle),
        **by_kind,
        "pending_at_end": Count("pk", filter=pending_at_end),
        "resolved": Count("pk", filter=resolved),
        "right": Count("pk", filter=resolved & Q(outcome=Outcome.RIGHT)),
        "wrong": Count("pk", filter=resolved & Q(outcome=Outcome.WRONG)),
        "partly_right": Count("pk", filter=resolved & Q(outcome=Outcome.PARTLY_RIGHT)),
        "withdrawn": Count(
            "pk", filter=resolved & Q(outcome__in=[Outcome.WITHDRAWN, Outcome.SUSPENDED, Outcome.TERMINATED])
        ),
        "backlogged": Count("pk", filter=carried & pending_at_end),
        "mass": Count("pk", filter=to_handle & mass_q()),
        "over_level": Count("pk", filter=to_handle & Q(is_over_level=True)),
        "hot_spots": Count("pk", filter=to_handle & Q(is_hot_spot=True)),
        "focus": Count("pk", filter=to_handle & Q(is_focus=True)),
    }


def case_figures_for(unit_ids, periods: list[tuple[date, date]]) -> list[dict[str, int]]:
    """The case figures of several periods (the report's and the same period last year) in one pass over the
    cases (only the cases that count in some period are read, once), and the cases resolved late (concluded
    after their resolution deadline) in a second one over the deadlines. Apart, because a correlated look-up of
    each case's deadline would keep PostgreSQL from aggregating the cases in parallel."""
    counts = [_case_counts(start, end) for start, end in periods]
    rows = Q()
    for period in counts:
        period_rows = period.pop("_rows")
        assert isinstance(period_rows, Q)
        rows |= period_rows
    aggregates = {
        f"{name}__{index}": expression for index, period in enumerate(counts) for name, expression in period.items()
    }
    totals = _with_ended_elsewhere(_cases(unit_ids)).filter(rows).aggregate(**aggregates)
    concluded = [Q(case__concluded_on__range=period) for period in periods]
    late = _in_units(
        CaseDeadline.objects.filter(
            step=DeadlineStep.RESOLVE,
            case__is_void=False,
            case__merged_into__isnull=True,
            due_on__lt=F("case__concluded_on"),
        ),
        "case__unit",
        unit_ids,
    )
    late_counts = {}
    for index, condition in enumerate(concluded):
        late_counts[f"late__{index}"] = Count("pk", filter=condition)
        for group, kinds in KIND_GROUPS.items():
            late_counts[f"{group}_late__{index}"] = Count("pk", filter=condition & Q(case__kind__in=kinds))
    late = late.filter(reduce(operator.or_, concluded)).aggregate(**late_counts)
    result = []
    for index, period in enumerate(counts):
        figures = {name: totals[f"{name}__{index}"] for name in period}
        figures["resolved_late"] = late[f"late__{index}"]
        figures["resolved_on_time"] = figures["resolved"] - figures["resolved_late"]
        figures["resolution_rate"] = _rate(figures["resolved"], figures["to_handle"])
        for group in KIND_GROUPS:
            figures[f"{group}_late"] = late[f"{group}_late__{index}"]
            figures[f"{group}_rate"] = _rate(figures[f"{group}_resolved"], figures[group])
        result.append(figures)
    return result


def _rate(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0


def weak_section(user, unit: Unit, unit_ids, start: date, end: date) -> dict[str, int]:
    figures = weak_figures(user=user, start=start, end=end, unit=None if unit.parent_id is None else unit)
    dossiers = _in_units(WeakDossier.objects.filter(is_void=False), "unit", unit_ids)
    figures["tasks_done"] = PlanTask.objects.filter(
        dossier__in=dossiers, is_void=False, done_on__range=(start, end)
    ).count()
    figures["inspections"] = Inspection.objects.filter(dossier__in=dossiers, on__range=(start, end)).count()
    conclusions = InspectionConclusion.objects.filter(inspection__dossier__in=dossiers).aggregate(
        total=Count("pk", filter=Q(inspection__on__range=(start, end))),
        implemented=Count("pk", filter=Q(done_on__range=(start, end))),
    )
    figures["conclusions"], figures["conclusions_implemented"] = conclusions["total"], conclusions["implemented"]
    return figures


def _compare(value, previous, kind: str = COUNT) -> dict:
    """A figure beside the same period last year: the difference, and for a count its change in per cent (none
    from zero). A rate's difference is in percentage points, and a per cent of a per cent means nothing."""
    diff = round(value - previous, 1)
    pct = round(100 * diff / previous, 1) if previous and kind == COUNT else None
    return {"value": value, "previous": previous, "diff": diff, "pct": pct, "kind": kind}


def bucket_map(unit: Unit) -> dict[int, tuple[int, str]]:
    """unit id → (id, name) of the unit directly below the report's unit that it falls under today: through the
    tree, and for a unit abolished in a reorganisation, through its successor."""
    children = {u.pk: u.name for u in Unit.objects.filter(parent=unit).current()}
    units = list(Unit.objects.with_tree_fields().values_list("pk", "tree_path"))
    successors: dict[int, int] = {}
    for predecessor, successor in UnitSuccession.objects.values_list("predecessor_id", "successor_id"):
        successors.setdefault(predecessor, successor)
    paths = dict(units)
    mapping = {}

    def bucket_of(unit_id: int, depth: int = 0) -> int | None:
        path = paths.get(unit_id) or []
        for ancestor in reversed(path):
            if ancestor in children:
                return ancestor
            if ancestor in successors and depth < 5:
                found = bucket_of(successors[ancestor], depth + 1)
                if found:
                    return found
        return None

    for unit_id in paths:
        found = bucket_of(unit_id)
        if found is not None:
            mapping[unit_id] = (found, children[found])
    return mapping


def breakdown_by_unit(unit: Unit, unit_ids, start: date, end: date) -> list[dict]:
    """Key figures per unit directly below, from grouped queries folded into today's units: every unit below has
    its row, zeros included (a commune with nothing to report is a finding too), in Vietnamese order."""
    mapping = bucket_map(unit)
    first, after = _day_range(start, end)
    keys = ("sessions", "visits", "letters", "cases_new", "cases_resolved", "weak_at_end")
    rows: dict[int, dict] = {
        bucket_id: {"unit": name, **dict.fromkeys(keys, 0)} for bucket_id, name in set(mapping.values())
    }

    def add(grouped, key):
        for unit_id, value in grouped:
            if unit_id in mapping:
                rows[mapping[unit_id][0]][key] += value

    sessions = _in_units(
        ReceptionSession.objects.filter(
            is_void=False, status=SessionStatus.HELD, starts_at__gte=first, starts_at__lt=after
        ),
        "unit",
        unit_ids,
    )
    add(sessions.values_list("unit_id").annotate(n=Count("pk")).order_by(), "sessions")
    add(
        Visit.objects.filter(is_void=False, session__in=sessions)
        .values_list("session__unit_id")
        .annotate(n=Count("pk"))
        .order_by(),
        "visits",
    )
    add(
        _in_units(Letter.objects.filter(is_void=False, received_on__range=(start, end)), "unit", unit_ids)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by(),
        "letters",
    )
    cases = _cases(unit_ids)
    add(
        cases.filter(received_on__range=(start, end)).values_list("unit_id").annotate(n=Count("pk")).order_by(),
        "cases_new",
    )
    add(
        cases.filter(concluded_on__range=(start, end)).values_list("unit_id").annotate(n=Count("pk")).order_by(),
        "cases_resolved",
    )
    add(
        _in_units(WeakDossier.objects.on_list(end), "unit", unit_ids)
        .values_list("unit_id")
        .annotate(n=Count("unit", distinct=True))
        .order_by(),
        "weak_at_end",
    )
    return sorted(rows.values(), key=lambda row: vietnamese_sort_key(row["unit"]))


def cases_by_field(
    unit_ids, start: date, end: date, previous: tuple[date, date], *, by: str = "received_on"
) -> list[dict]:
    """Cases by field, this period and the same period last year, in one grouped pass: received (`by` the day of
    receipt) or resolved (`by="concluded_on"`, the day of the conclusion)."""
    now, before = Q(**{f"{by}__range": (start, end)}), Q(**{f"{by}__range": previous})
    grouped = (
        _cases(unit_ids)
        .filter(now | before)
        .values_list("field_id")
        .annotate(now=Count("pk", filter=now), before=Count("pk", filter=before))
        .order_by()
    )
    counts = {field_id: (current, earlier) for field_id, current, earlier in grouped}
    return [
        {"label": field.name, **_compare(*counts[field.pk])}
        for field in CaseField.objects.all()
        if any(counts.get(field.pk, ()))
    ]


def cases_by_month(unit_ids, start: date, end: date) -> list[dict]:
    grouped = (
        _cases(unit_ids)
        .filter(received_on__range=(start, end))
        .annotate(month=TruncMonth("received_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return [{"label": f"{month:%m/%Y}", "value": n} for month, n in grouped]


def compile_figures(*, unit: Unit, user, start: date, end: date, progress: Progress) -> dict:
    """Every figure of the report for the unit's subtree, with the same period of the previous year. Labels are
    stored in Vietnamese, the language of the official documents made from the snapshot."""
    with translation.override("vi"):
        return _compile(unit=unit, user=user, start=start, end=end, progress=progress)


def _compile(*, unit: Unit, user, start: date, end: date, progress: Progress) -> dict:
    unit_ids = None if unit.parent_id is None else subtree_ids({unit.pk})
    previous = (
        start.replace(year=start.year - 1),
        end.replace(year=end.year - 1, day=min(end.day, calendar.monthrange(end.year - 1, end.month)[1])),
    )
    values: dict[str, tuple[dict, dict]] = {}
    periods = [(start, end), previous]

    def each_period(compute):
        return lambda: [compute(*period) for period in periods]

    steps = [
        ("weak", each_period(lambda s, e: weak_section(user, unit, unit_ids, s, e))),
        (
            "reception",
            each_period(
                lambda s, e: reception_figures(unit_ids, s, e) | head_duty_summary(unit_ids=unit_ids, start=s, end=e)
            ),
        ),
        # Both periods in one pass over the big tables.
        ("letters", lambda: letter_figures_for(unit_ids, periods)),
        ("cases", lambda: case_figures_for(unit_ids, periods)),
    ]
    for index, (code, compute) in enumerate(steps):
        progress(10 + index * 18, code)
        values[code] = tuple(compute())
    sections = [
        {
            "code": section.code,
            "title": str(section.title),
            "rows": [
                {
                    "code": figure.code,
                    "label": str(figure.label),
                    "definition": str(figure.definition),
                    "basis": figure.basis,
                    **_compare(values[section.code][0][figure.code], values[section.code][1][figure.code], figure.kind),
                }
                for figure in section.figures
            ],
        }
        for section in CATALOGUE
    ]
    progress(85, "breakdowns")
    return {
        "unit": {"id": unit.pk, "name": unit.name},
        "period": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "previous_start": previous[0].isoformat(),
            "previous_end": previous[1].isoformat(),
        },
        "sections": sections,
        "by_unit": breakdown_by_unit(unit, unit_ids, start, end),
        "by_field": cases_by_field(unit_ids, start, end, previous),
        "resolved_by_field": cases_by_field(unit_ids, start, end, previous, by="concluded_on"),
        "by_month": cases_by_month(unit_ids, start, end),
    }
