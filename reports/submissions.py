"""Submissions to the committee above: when a period's report is due, which units must submit it, where each of
them stands, and which of them the daily sweep chases (overview.notifications turns that into reminders).

One definition of each rule, used by the submissions page, the home page and the sweep alike:
- the due date of a period: its explicit due date (SubmissionDueDate) if the steering committee set one, else
  the period's statistical end plus the rule's days (SubmissionRule); none when neither exists (not chased);
- who must submit: `submitting_units`;
- who has submitted: a report of the unit's own for the period kind and year with `submitted_at` set.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Action
from accounts.scoping import Principal, role_assignments
from core.periods import period_bounds
from organizations.choices import UnitKind
from organizations.models import Unit, UnitQuerySet, existing_on
from reports.choices import PeriodKind, ReportStatus
from reports.models import Report, SubmissionDueDate, SubmissionRule

# When a period has an explicit due date but its kind has no rule, the units are reminded this many days before.
DEFAULT_REMIND_DAYS_BEFORE = 3

# The committees that compile a report from the submissions of the committees directly below them.
_ABOVE_KINDS = [UnitKind.CITY, UnitKind.DISTRICT]
_SUBMITTING_KINDS = [UnitKind.DISTRICT, UnitKind.COMMUNE]


@dataclass(frozen=True)
class Period:
    """A report period (statistical cut-off) with its due date for the units below."""

    kind: str
    year: int
    end: date
    due_on: date | None
    remind_days_before: int

    @property
    def label(self) -> str:
        return f"{PeriodKind(self.kind).label} {self.year}"

    def remind_from(self) -> date | None:
        return None if self.due_on is None else self.due_on - timedelta(days=self.remind_days_before)

    def owed_by(self, valid_from: date | None) -> bool:
        """Whether a unit that came into being on `valid_from` owes this period's report: only if it existed when
        the period ended (the wards formed on 1 Jul 2025 owe nothing for the half year ended 14 Jun 2025; the
        units they replaced submitted it)."""
        return valid_from is None or valid_from <= self.end


class _Rules:
    """The rules and the explicit due dates of some years, read once (two queries)."""

    def __init__(self, years: Iterable[int]) -> None:
        self.rules = {rule.period_kind: rule for rule in SubmissionRule.objects.all()}
        self.overrides = {
            (row.period_kind, row.year): row.due_on for row in SubmissionDueDate.objects.filter(year__in=set(years))
        }

    def period(self, kind: str, year: int) -> Period:
        _start, end = period_bounds(kind, year)
        rule = self.rules.get(kind)
        due_on = self.overrides.get((kind, year))
        if due_on is None and rule is not None:
            due_on = end + timedelta(days=rule.days_after_end)
        remind = rule.remind_days_before if rule is not None else DEFAULT_REMIND_DAYS_BEFORE
        return Period(kind=kind, year=year, end=end, due_on=due_on, remind_days_before=remind)


def report_period(period_kind: str, year: int) -> Period:
    """The period with its due date (None when no rule or explicit date gives one). Two queries."""
    return _Rules([year]).period(period_kind, year)


def due_date(period_kind: str, year: int) -> date | None:
    """The day by which the units below must submit their report of the period."""
    return report_period(period_kind, year).due_on


def periods_in_chase(today: date) -> list[Period]:
    """The periods being chased on `today`: for each period kind, the latest period whose reminder window has
    opened (its due date minus the days of notice). A period stays chased, overdue, until the next period of its
    kind opens: the units are not reminded forever of every period since the register began. Two queries."""
    years = [today.year - 1, today.year, today.year + 1]
    rules = _Rules(years)
    chased = []
    for kind in PeriodKind.values:
        opened = [
            period
            for period in (rules.period(kind, year) for year in years)
            if (start := period.remind_from()) is not None and start <= today
        ]
        if opened:
            chased.append(max(opened, key=lambda period: period.year))
    return chased


def submitting_units(on: date | None = None) -> UnitQuerySet:
    """Who must submit: each committee (district- or commune-level) existing on `on` directly below a committee
    that compiles from the submissions (the City, or a district-level committee before 2025). Since 1 Jul 2025
    that is the 126 communes and wards under the City. Grassroots organizations and cells keep no registers and
    compile no report, so none is expected of them."""
    on = on or timezone.localdate()
    return Unit.objects.current(on).filter(
        existing_on(on, "parent__"), kind__in=_SUBMITTING_KINDS, parent__kind__in=_ABOVE_KINDS
    )


def _submitted(unit_ids: Iterable[int], periods: list[Period]) -> dict[tuple[int, str, int], Report]:
    """The submitted report of each (unit, period kind, year), in one query."""
    if not periods:
        return {}
    pairs = reduce(or_, (Q(period_kind=period.kind, year=period.year) for period in periods))
    reports = (
        Report.objects.filter(pairs, unit_id__in=list(unit_ids), submitted_at__isnull=False)
        .select_related("submitted_by")
        .order_by("submitted_at")
    )
    found: dict[tuple[int, str, int], Report] = {}
    for report in reports:
        found.setdefault((report.unit_id, report.period_kind, report.year), report)
    return found


class SubmissionState:
    SUBMITTED = "submitted"
    WAITING = "waiting"
    OVERDUE = "overdue"


@dataclass
class UnitSubmission:
    """Where one unit stands for one period."""

    unit: Unit
    period: Period
    report: Report | None
    today: date

    @property
    def state(self) -> str:
        if self.report is not None:
            return SubmissionState.SUBMITTED
        return SubmissionState.OVERDUE if self.days_overdue > 0 else SubmissionState.WAITING

    @property
    def days_overdue(self) -> int:
        if self.report is not None or self.period.due_on is None:
            return 0
        return max((self.today - self.period.due_on).days, 0)


def submissions_below(
    *, parent: Unit, period_kind: str, year: int, user: Principal, today: date
) -> list[UnitSubmission]:
    """Each unit that must submit to `parent` for the period, in the user's view scope, with its state. Four
    queries whatever the number of units."""
    period = report_period(period_kind, year)
    units = list(submitting_units(today).visible_to(user, Action.VIEW).filter(parent=parent).order_by("name"))
    submitted = _submitted([unit.pk for unit in units], [period])
    return [
        UnitSubmission(unit=unit, period=period, report=submitted.get((unit.pk, period.kind, period.year)), today=today)
        for unit in units
        if period.owed_by(unit.valid_from)
    ]


@dataclass
class Outstanding:
    """The units that have not submitted a chased period's report, by the committee they submit to."""

    period: Period
    units: list[Unit] = field(default_factory=list)
    # The latest version each unit has compiled for the period (to submit it from there), if any.
    latest: dict[int, int] = field(default_factory=dict)


def outstanding_submissions(*, today: date) -> list[Outstanding]:
    """For each period chased on `today`, the units that must submit and have not. Five queries whatever the
    number of units and periods."""
    periods = periods_in_chase(today)
    if not periods:
        return []
    units = list(submitting_units(today).order_by("name", "pk"))
    unit_ids = [unit.pk for unit in units]
    submitted = _submitted(unit_ids, periods)
    pairs = reduce(or_, (Q(period_kind=period.kind, year=period.year) for period in periods))
    latest: dict[tuple[int, str, int], tuple[int, int]] = {}
    for unit_id, kind, year, version, pk in (
        Report.objects.filter(pairs, unit_id__in=unit_ids, calendar_period=False)
        .exclude(status=ReportStatus.FAILED)
        .values_list("unit_id", "period_kind", "year", "version", "pk")
    ):
        key = (unit_id, kind, year)
        if key not in latest or latest[key][0] < version:
            latest[key] = (version, pk)
    result = []
    for period in periods:
        missing = [
            unit
            for unit in units
            if period.owed_by(unit.valid_from) and (unit.pk, period.kind, period.year) not in submitted
        ]
        result.append(
            Outstanding(
                period=period,
                units=missing,
                latest={
                    unit.pk: latest[(unit.pk, period.kind, period.year)][1]
                    for unit in missing
                    if (unit.pk, period.kind, period.year) in latest
                },
            )
        )
    return result


@dataclass
class SubmissionCount:
    """The home page's figures for one committee and one chased period."""

    parent: Unit
    period: Period
    waiting: int
    overdue: int

    @property
    def url(self) -> str:
        return (
            f"{reverse('reports:submissions', args=[self.parent.pk])}"
            f"?period_kind={self.period.kind}&year={self.period.year}"
        )


def submission_counts(*, user: Principal, today: date) -> list[SubmissionCount]:
    """For each committee the user is assigned to that has units to chase, and each period chased today: how many
    of them are waiting (not submitted, before the due date) and overdue (after it). Five queries whatever the
    number of units (the role assignments are read once per request)."""
    parents = {assignment.unit_id: assignment.unit for assignment in role_assignments(user)}
    if not parents:
        return []
    periods = periods_in_chase(today)
    if not periods:
        return []
    units = list(
        submitting_units(today)
        .visible_to(user, Action.VIEW)
        .filter(parent_id__in=list(parents))
        .values_list("pk", "parent_id", "valid_from")
    )
    if not units:
        return []
    submitted = _submitted([pk for pk, _parent, _from in units], periods)
    counts = []
    for parent_id in sorted({parent_id for _pk, parent_id, _from in units}, key=lambda pk: parents[pk].name):
        below = [(pk, valid_from) for pk, unit_parent, valid_from in units if unit_parent == parent_id]
        for period in periods:
            missing = sum(
                period.owed_by(valid_from) and (pk, period.kind, period.year) not in submitted
                for pk, valid_from in below
            )
            late = period.due_on is not None and today > period.due_on
            counts.append(
                SubmissionCount(
                    parent=parents[parent_id],
                    period=period,
                    waiting=0 if late else missing,
                    overdue=missing if late else 0,
                )
            )
    return counts
