"""Statutory deadlines of a case, in one place: which rule applies to a step of a case, the due date it gives
(counted by cases/calendar.py: the work calendar and the Civil Code), the case's current due date, and the timeline
note that explains a deadline. The services, the imports and the data generator all plan deadlines here; the rules
themselves are data (DeadlineRule, with their legal basis, edited by administrators as the laws change)."""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple

from django.utils.translation import gettext as _

from accounts.models import User
from cases.calendar import DayKind as CalendarDayKind
from cases.calendar import WorkCalendar, deadline
from cases.choices import CaseKind, CaseStatus, DeadlineStep, EventKind
from cases.models import Case, CaseDeadline, CaseEvent, DeadlineRule, Holiday

# The statuses in which the intake step (accept, initial processing, letter processing) is still running.
AWAITING_INTAKE = (CaseStatus.RECEIVED, CaseStatus.CLASSIFIED)


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What a case's deadlines depend on, for rows written without a Case instance (the data generator)."""

    kind: str
    attempt: str
    complexity: str
    is_remote_area: bool
    status: str = CaseStatus.RECEIVED
    received_on: date | None = None
    accepted_on: date | None = None
    concluded_on: date | None = None
    closed_on: date | None = None


class PlannedDeadline(NamedTuple):
    """A deadline worked out, not saved: the step, its rule, the day it counts from, its due date, when it was met."""

    step: str
    rule: DeadlineRule
    counted_from: date
    due_on: date
    met_on: date | None = None


def work_calendar() -> WorkCalendar:
    """Working days from the holidays table (seeded from the `holidays` package, kept by administrators)."""
    off: set[date] = set()
    on: set[date] = set()
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


class DeadlinePlanner:
    """The rules table and the holidays, each read once when first needed, and the deadlines worked out from them.
    One planner serves one service call, one whole import or one whole generated data set: the rule for a case
    profile and a due date are each worked out once (the generator plans millions of deadlines)."""

    def __init__(self) -> None:
        self._rule_memo: dict[tuple, DeadlineRule | None] = {}
        self._due_memo: dict[tuple, date] = {}

    @cached_property
    def rules(self) -> list[DeadlineRule]:
        return list(DeadlineRule.objects.all())

    @cached_property
    def calendar(self) -> WorkCalendar:
        return work_calendar()

    @cached_property
    def _changes(self) -> list[date]:
        """The days on which the rules in force change: between two of them, a case profile has the same rule."""
        days = {rule.valid_from for rule in self.rules if rule.valid_from}
        days |= {rule.valid_to + timedelta(days=1) for rule in self.rules if rule.valid_to}
        return sorted(days)

    def rule(self, *, step: str, case: Case | CaseFacts, on: date) -> DeadlineRule | None:
        """The rule for a step of a case on a day. Of the rules for the step in force that day whose kind, attempt,
        complexity and area are the case's or blank ("any"), the most specific; of equally specific ones, the first
        in the table's order. The one place a rule is chosen: services, imports and the generator all ask here."""
        key = (step, case.kind, case.attempt, case.complexity, case.is_remote_area, bisect_right(self._changes, on))
        if key not in self._rule_memo:

            def applies(rule: DeadlineRule) -> bool:
                return (
                    rule.step == step
                    and rule.case_kind in ("", case.kind)
                    and rule.attempt in ("", case.attempt)
                    and rule.complexity in ("", case.complexity)
                    and rule.remote_area in (None, case.is_remote_area)
                    and (rule.valid_from is None or rule.valid_from <= on)
                    and (rule.valid_to is None or on <= rule.valid_to)
                )

            def specificity(rule: DeadlineRule) -> int:
                return sum(
                    [bool(rule.case_kind), bool(rule.attempt), bool(rule.complexity), rule.remote_area is not None]
                )

            self._rule_memo[key] = max(filter(applies, self.rules), key=specificity, default=None)
        return self._rule_memo[key]

    def due(self, *, rule: DeadlineRule, counted_from: date, days: int | None = None) -> date:
        """The last day of the rule's period (or of `days`, an extension's) counted from a day: the day itself not
        counted, a last day off moved to the next working day (Civil Code 2015, Arts. 147-148; cases/calendar.py)."""
        key = (rule.pk, rule.days, rule.day_kind, counted_from, days)
        if key not in self._due_memo:
            self._due_memo[key] = deadline(
                counted_from, days or rule.days, CalendarDayKind(rule.day_kind), self.calendar
            )
        return self._due_memo[key]

    def plan(
        self, *, case: Case | CaseFacts, step: str, counted_from: date, met_on: date | None = None
    ) -> PlannedDeadline | None:
        """The deadline of a step of the case counted from a day, or None when no rule applies."""
        rule = self.rule(step=step, case=case, on=counted_from)
        if rule is None:
            return None
        return PlannedDeadline(step, rule, counted_from, self.due(rule=rule, counted_from=counted_from), met_on)

    def plan_past(self, case: Case | CaseFacts, *, intake_ended_on: date | None = None) -> list[PlannedDeadline]:
        """The deadlines the workflow would have started and met for a case already this far along, for records
        entered after the fact (an imported register, generated data): the intake step from receipt, met when
        acceptance or another decision ended it (`intake_ended_on` where known, else the closing date); resolution
        from acceptance, met on conclusion (or closing). A step that ended on a day not given (a case not accepted,
        transferred or archived, without a closing date) gets no deadline rather than an invented date."""
        intake_end = case.accepted_on or intake_ended_on or case.closed_on
        steps = []
        if case.received_on and (intake_end or case.status in AWAITING_INTAKE):
            steps.append((intake_step(case.kind), case.received_on, intake_end))
        if case.accepted_on:
            steps.append((DeadlineStep.RESOLVE, case.accepted_on, case.concluded_on or case.closed_on))
        planned = (self.plan(case=case, step=step, counted_from=start, met_on=met) for step, start, met in steps)
        return [deadline for deadline in planned if deadline is not None]


def current_due_on(deadlines: Iterable[CaseDeadline | PlannedDeadline]) -> date | None:
    """A case's current due date: the earliest of its deadlines not yet met (none: no date)."""
    return min((deadline.due_on for deadline in deadlines if deadline.met_on is None), default=None)


def deadline_note(deadline: CaseDeadline | PlannedDeadline) -> str:
    """The timeline's explanation of a deadline: the step, the due date, how it was counted and the legal basis."""
    rule = deadline.rule
    return _("{step}: due {due} ({days} {kind} from {start}; {basis})").format(
        step=DeadlineStep(deadline.step).label,
        due=deadline.due_on.strftime("%d/%m/%Y"),
        days=rule.days,
        kind=rule.get_day_kind_display(),
        start=deadline.counted_from.strftime("%d/%m/%Y"),
        basis=rule.legal_basis,
    )


def refresh_due_on(case: Case) -> None:
    """Bring the case's current due date up to date with its saved deadlines (the caller saves the case)."""
    case.due_on = current_due_on(CaseDeadline.objects.filter(case=case).only("due_on", "met_on"))


def deadline_start(
    *, case: Case, user: User, step: str, counted_from: date, planner: DeadlinePlanner | None = None
) -> CaseDeadline | None:
    """Start (or start again) the deadline of a step of the case, counted from a day: saved with the timeline event
    that explains it, and the case's current due date brought up to date (saved by the caller, with the case's other
    changes, in one history entry). None, and nothing written, when no rule applies."""
    planned = (planner or DeadlinePlanner()).plan(case=case, step=step, counted_from=counted_from)
    if planned is None:
        return None
    saved, _created = CaseDeadline.objects.update_or_create(
        case=case,
        step=step,
        defaults={
            "rule": planned.rule,
            "counted_from": counted_from,
            "due_on": planned.due_on,
            "met_on": None,
            "extensions": 0,
        },
    )
    CaseEvent.objects.create(case=case, user=user, kind=EventKind.DEADLINE, note=deadline_note(planned))
    refresh_due_on(case)
    return saved


def deadlines_meet(*, case: Case, steps: Iterable[str], on: date) -> None:
    """Mark the case's open deadlines of these steps met on a day; its current due date follows (saved by the
    caller)."""
    case.deadlines.filter(step__in=list(steps), met_on__isnull=True).update(met_on=on)
    refresh_due_on(case)


def profile_label(case: Case) -> str:
    """What a case's deadlines depend on besides its kind, as the timeline says it: its complexity, and the
    remote area when it is one."""
    label = case.get_complexity_display()
    return _("{complexity}, remote, difficult area").format(complexity=label) if case.is_remote_area else label


def deadlines_replan(*, case: Case, user: User, planner: DeadlinePlanner | None = None) -> list[CaseDeadline]:
    """Choose again the rule of each open deadline of a case whose kind, complexity or area changed after the
    deadline started (a complaint found complex after acceptance has 45 days, not 30; a denunciation found complex
    may be extended once): counted from the same day, with a timeline event saying why the due date moved; the
    case's current due date follows (saved by the caller). A deadline already met stays as it was met; one for which
    no rule applies any more keeps its rule. Extensions already decided stand: each is applied again to the new due
    date, by the days of the rule it was decided under. The caller holds the case's lock."""
    planner = planner or DeadlinePlanner()
    moved = []
    for saved in case.deadlines.select_for_update().select_related("rule").filter(met_on__isnull=True):
        rule = planner.rule(step=saved.step, case=case, on=saved.counted_from)
        if rule is None or rule.pk == saved.rule_id:
            continue
        old_rule, old_due = saved.rule, saved.due_on
        due = planner.due(rule=rule, counted_from=saved.counted_from)
        if old_rule.extension_days:
            for _extension in range(saved.extensions):
                due = planner.due(rule=old_rule, counted_from=due, days=old_rule.extension_days)
        saved.rule, saved.due_on = rule, due
        saved.save(update_fields=["rule", "due_on"])
        CaseEvent.objects.create(
            case=case,
            user=user,
            kind=EventKind.DEADLINE,
            note=_(
                "{step}: the case is now {profile}; due date {old} → {new} ({days} {kind} from {start}; {basis}; "
                "extensions allowed: {extensions})"
            ).format(
                step=saved.get_step_display(),
                profile=profile_label(case),
                old=old_due.strftime("%d/%m/%Y"),
                new=due.strftime("%d/%m/%Y"),
                days=rule.days,
                kind=rule.get_day_kind_display(),
                start=saved.counted_from.strftime("%d/%m/%Y"),
                basis=rule.legal_basis,
                extensions=rule.max_extensions,
            ),
        )
        moved.append(saved)
    refresh_due_on(case)
    return moved


# A letter's processing period does not depend on what the letter says (Circular 05/2021/TT-TTCP): the rule of the
# letter processing step for any kind of case.
LETTER_FACTS = CaseFacts(kind="", attempt="", complexity="", is_remote_area=False)


def letter_due_on(received_on: date, *, planner: DeadlinePlanner | None = None) -> date | None:
    """The day a letter received on a day must be processed by (10 working days, Circular 05/2021/TT-TTCP, from
    the rules table and the holidays); None when no rule applies. Met once the letter is handled (disposition)."""
    planned = (planner or DeadlinePlanner()).plan(
        case=LETTER_FACTS, step=DeadlineStep.LETTER_PROCESSING, counted_from=received_on
    )
    return planned.due_on if planned else None
