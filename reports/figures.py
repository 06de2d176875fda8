"""The figures of a report, computed by SQL aggregates (one aggregate query per section and period, grouped
queries for the breakdowns). Definitions follow DESIGN §5–6: letters, cases, visits and people are counted
apart; every figure is also computed for the same period of the previous year."""

import calendar
import operator
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import reduce

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.scoping import subtree_ids
from cases.choices import CaseKind, CaseStatus, DeadlineStep, LetterDisposition, Outcome
from cases.models import Case, CaseDeadline, CaseField, Letter
from citizens.choices import SessionKind, SessionStatus
from citizens.delegations import mass_q
from citizens.models import ReceptionSession, Visit
from citizens.selectors import duty_compliance
from citizens.stats import MASS as MASS_DELEGATION
from organizations.models import Inspection, InspectionConclusion, PlanTask, Unit, UnitSuccession, WeakDossier
from organizations.weak_list import weak_figures

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


def duty_figures(user, unit_ids, start: date, end: date) -> dict[str, int]:
    """Heads' duty to receive: rows (unit × head × month) met out of those due, for the months in the period."""
    met = due = 0
    month = date(start.year, start.month, 1)
    while month <= end:
        for row in duty_compliance(user=user, month=month):
            if unit_ids is None or row.unit.pk in unit_ids:
                due += 1
                met += row.met
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return {"duty_due": due, "duty_met": met}


def letter_figures(unit_ids, start: date, end: date) -> dict[str, int]:
    return letter_figures_for(unit_ids, [(start, end)])[0]


def letter_figures_for(unit_ids, periods: list[tuple[date, date]]) -> list[dict[str, int]]:
    """The letter figures of several periods in one pass over the letters."""
    letters = _in_units(Letter.objects.filter(is_void=False), "unit", unit_ids)
    aggregates = {}
    for index, (start, end) in enumerate(periods):
        received = Q(received_on__range=(start, end))
        carried = Q(received_on__lt=start) & (Q(disposition="") | Q(disposed_on__gte=start))
        for name, condition in {
            "carried_over": carried,
            "received": received,
            "processable": received & Q(is_processable=True),
            "competent": received & Q(within_competence=True),
            "to_case": received & Q(disposition=LetterDisposition.CASE),
            "guided": received & Q(disposition=LetterDisposition.GUIDED),
            "transferred": received & Q(disposition=LetterDisposition.TRANSFERRED),
            "urged": received & Q(disposition=LetterDisposition.URGED),
            "archived": received & Q(disposition=LetterDisposition.ARCHIVED),
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


def case_figures(unit_ids, start: date, end: date) -> dict[str, int]:
    return case_figures_for(unit_ids, [(start, end)])[0]


def _case_counts(start: date, end: date) -> dict[str, object]:
    """The case counts of one period, as aggregate expressions. New cases are those received in the period;
    carried over, those received before it and not concluded before it began (cases not accepted, transferred
    or archived are not carried). Resolved: concluded in the period."""
    new = Q(received_on__range=(start, end))
    carried = (
        Q(received_on__lt=start)
        & (Q(concluded_on__isnull=True) | Q(concluded_on__gte=start))
        & ~Q(status__in=HANDLED_ELSEWHERE)
    )
    to_handle = new | carried
    resolved = Q(concluded_on__range=(start, end))
    open_at_end = Q(concluded_on__isnull=True) | Q(concluded_on__gt=end)
    return {
        "_rows": to_handle | resolved,
        "new": Count("pk", filter=new),
        "carried_over": Count("pk", filter=carried),
        "to_handle": Count("pk", filter=to_handle),
        "complaints": Count("pk", filter=to_handle & Q(kind=CaseKind.COMPLAINT)),
        "denunciations": Count("pk", filter=to_handle & Q(kind=CaseKind.DENUNCIATION)),
        "recommendations": Count("pk", filter=to_handle & Q(kind__in=[CaseKind.RECOMMENDATION, CaseKind.FEEDBACK])),
        "resolved": Count("pk", filter=resolved),
        "right": Count("pk", filter=resolved & Q(outcome=Outcome.RIGHT)),
        "wrong": Count("pk", filter=resolved & Q(outcome=Outcome.WRONG)),
        "partly_right": Count("pk", filter=resolved & Q(outcome=Outcome.PARTLY_RIGHT)),
        "withdrawn": Count(
            "pk", filter=resolved & Q(outcome__in=[Outcome.WITHDRAWN, Outcome.SUSPENDED, Outcome.TERMINATED])
        ),
        "backlogged": Count("pk", filter=carried & open_at_end),
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
    totals = _cases(unit_ids).filter(rows).aggregate(**aggregates)
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
    late = late.filter(reduce(operator.or_, concluded)).aggregate(
        **{f"late__{index}": Count("pk", filter=condition) for index, condition in enumerate(concluded)}
    )
    result = []
    for index, period in enumerate(counts):
        figures = {name: totals[f"{name}__{index}"] for name in period}
        figures["resolved_late"] = late[f"late__{index}"]
        figures["resolved_on_time"] = figures["resolved"] - figures["resolved_late"]
        figures["resolution_rate"] = (
            round(100 * figures["resolved"] / figures["to_handle"], 1) if figures["to_handle"] else 0
        )
        result.append(figures)
    return result


def weak_section(user, unit: Unit, unit_ids, start: date, end: date) -> dict[str, int]:
    figures = weak_figures(user=user, start=start, end=end, unit=None if unit.parent_id is None else unit)
    dossiers = _in_units(WeakDossier.objects.filter(is_void=False), "unit", unit_ids)
    figures["tasks_done"] = PlanTask.objects.filter(
        dossier__in=dossiers, is_void=False, done_on__range=(start, end)
    ).count()
    figures["inspections"] = Inspection.objects.filter(dossier__in=dossiers, on__range=(start, end)).count()
    conclusions = InspectionConclusion.objects.filter(
        inspection__dossier__in=dossiers, inspection__on__lte=end
    ).aggregate(total=Count("pk"), implemented=Count("pk", filter=Q(done_on__lte=end)))
    figures["conclusions"], figures["conclusions_implemented"] = conclusions["total"], conclusions["implemented"]
    return figures


SECTIONS = [
    (
        "weak",
        _("Weak grassroots party organizations"),
        [
            ("at_start", _("On the list at the start of the period")),
            ("identified", _("Newly identified")),
            ("taken_off", _("No longer weak (taken off the list)")),
            ("at_end", _("Remaining at the end of the period")),
            ("tasks_done", _("Plan tasks completed")),
            ("inspections", _("Inspections and urging visits")),
            ("conclusions", _("Inspection conclusions")),
            ("conclusions_implemented", _("Conclusions implemented")),
        ],
    ),
    (
        "reception",
        _("Citizen reception"),
        [
            ("sessions", _("Reception sessions")),
            ("regular", _("of which regular")),
            ("periodic", _("of which periodic by the head")),
            ("ad_hoc", _("of which ad hoc")),
            ("dialogues", _("of which dialogues")),
            ("heads_in_person", _("Heads' sessions in person")),
            ("heads_delegated", _("Heads' sessions delegated")),
            ("visits", _("Visits")),
            ("people", _("People received")),
            ("delegations", _("Mass delegations")),
            ("delegation_people", _("People in mass delegations")),
            ("cases_opened", _("Cases opened at reception")),
            ("duty_met", _("Heads' monthly duties met")),
            ("duty_due", _("Heads' monthly duties due")),
        ],
    ),
    (
        "letters",
        _("Letters"),
        [
            ("carried_over", _("Carried over from the previous period")),
            ("received", _("Received in the period")),
            ("processable", _("Processable")),
            ("competent", _("Within competence")),
            ("to_case", _("Accepted as cases")),
            ("guided", _("Senders guided")),
            ("transferred", _("Transferred")),
            ("urged", _("Competent bodies urged")),
            ("archived", _("Archived")),
        ],
    ),
    (
        "cases",
        _("Cases"),
        [
            ("new", _("Received in the period (new)")),
            ("carried_over", _("Carried over from the previous period")),
            ("to_handle", _("Total to handle")),
            ("complaints", _("Complaints")),
            ("denunciations", _("Denunciations")),
            ("recommendations", _("Recommendations and feedback")),
            ("resolved", _("Resolved")),
            ("resolution_rate", _("Resolution rate (%)")),
            ("resolved_on_time", _("Resolved on time")),
            ("resolved_late", _("Resolved late")),
            ("right", _("Outcome: right")),
            ("wrong", _("Outcome: wrong")),
            ("partly_right", _("Outcome: partly right")),
            ("withdrawn", _("Withdrawn, suspended or terminated")),
            ("backlogged", _("Backlogged (open from an earlier period)")),
            ("mass", _("Mass cases")),
            ("over_level", _("Over-level")),
            ("hot_spots", _("Hot spots")),
            ("focus", _("On the focus list")),
        ],
    ),
]


def _compare(value, previous) -> dict:
    diff = round(value - previous, 1)
    pct = round(100 * diff / previous, 1) if previous else None
    return {"value": value, "previous": previous, "diff": diff, "pct": pct}


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
    """Key figures per unit directly below, from grouped queries folded into today's units."""
    mapping = bucket_map(unit)
    first, after = _day_range(start, end)
    rows: dict[int, dict] = {}

    def add(grouped, key):
        for unit_id, value in grouped:
            if unit_id in mapping:
                bucket_id, name = mapping[unit_id]
                row = rows.setdefault(
                    bucket_id,
                    {
                        "unit": name,
                        "sessions": 0,
                        "visits": 0,
                        "letters": 0,
                        "cases_new": 0,
                        "cases_resolved": 0,
                        "weak_at_end": 0,
                    },
                )
                row[key] += value

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
    return sorted(rows.values(), key=lambda row: row["unit"])


def cases_by_field(unit_ids, start: date, end: date, previous: tuple[date, date]) -> list[dict]:
    """Cases received by field, this period and the same period last year, in one grouped pass."""
    now, before = Q(received_on__range=(start, end)), Q(received_on__range=previous)
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
            each_period(lambda s, e: reception_figures(unit_ids, s, e) | duty_figures(user, unit_ids, s, e)),
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
            "code": code,
            "title": str(title),
            "rows": [
                {"code": key, "label": str(label), **_compare(values[code][0][key], values[code][1][key])}
                for key, label in rows
            ],
        }
        for code, title, rows in SECTIONS
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
        "by_month": cases_by_month(unit_ids, start, end),
    }
