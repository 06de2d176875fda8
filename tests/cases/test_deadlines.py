"""The deadline module (cases/deadlines.py): the one choice of rule, the planned due dates, the current due date, and
the agreement of every writer (services, imports, the generator) on them."""

from datetime import date

import pytest

from cases import services
from cases.choices import CaseStatus, DeadlineStep
from cases.deadlines import CaseFacts, DeadlinePlanner, current_due_on, deadline_note
from cases.models import Case, DeadlineRule
from tests.factories import CaseFactory, CitizenFactory, field
from tests.imports_helpers import run, xlsx

pytestmark = pytest.mark.django_db


def facts(kind="complaint", attempt="first", complexity="normal", remote=False, **dates) -> CaseFacts:
    return CaseFacts(kind=kind, attempt=attempt, complexity=complexity, is_remote_area=remote, **dates)


@pytest.mark.parametrize(
    ("profile", "days", "article"),
    [
        (facts(), 30, "Điều 28"),
        (facts(remote=True), 45, "Điều 28"),
        (facts(complexity="complex", remote=True), 60, "Điều 28"),
        (facts(attempt="second"), 45, "Điều 37"),
        (facts(attempt="second", complexity="complex"), 60, "Điều 37"),
        (facts(attempt="second", complexity="complex", remote=True), 70, "Điều 37"),
        (facts(kind="denunciation", attempt="", complexity="very_complex"), 30, "Điều 30"),
    ],
)
def test_the_resolution_rule_follows_attempt_complexity_and_area(profile, days, article):
    rule = DeadlinePlanner().rule(step=DeadlineStep.RESOLVE, case=profile, on=date(2026, 3, 2))
    assert (rule.days, rule.day_kind) == (days, "calendar") and article in rule.legal_basis


def test_a_very_complex_denunciation_may_be_extended_twice_by_thirty_days():
    rule = DeadlinePlanner().rule(
        step=DeadlineStep.RESOLVE, case=facts(kind="denunciation", complexity="very_complex"), on=date(2026, 3, 2)
    )
    assert (rule.max_extensions, rule.extension_days) == (2, 30)


def test_a_rule_applies_from_its_first_day_to_its_last_and_the_most_specific_wins():
    # A new law's period for second-time remote complex complaints from 1 Jul 2026, the old one closed the day
    # before; a blank-kind rule for the same step stays less specific than either.
    old = DeadlineRule.objects.get(
        step="resolve", case_kind="complaint", attempt="second", complexity="complex", remote_area=True
    )
    old.valid_to = date(2026, 6, 30)
    old.save()
    new = DeadlineRule.objects.create(
        step="resolve",
        case_kind="complaint",
        attempt="second",
        complexity="complex",
        remote_area=True,
        days=75,
        day_kind="calendar",
        legal_basis="Luật số 136/2025/QH15",
        valid_from=date(2026, 7, 1),
    )
    DeadlineRule.objects.create(step="resolve", days=5, day_kind="working", legal_basis="Bất kỳ")
    planner = DeadlinePlanner()  # one planner across the change: its memory must not mix the two periods
    profile = facts(attempt="second", complexity="complex", remote=True)
    assert planner.rule(step="resolve", case=profile, on=date(2026, 6, 30)) == old
    assert planner.rule(step="resolve", case=profile, on=date(2026, 7, 1)) == new
    assert planner.rule(step="resolve", case=profile, on=date(2026, 6, 29)) == old
    assert planner.rule(step="resolve", case=facts(kind="feedback"), on=date(2026, 7, 1)).legal_basis == "Bất kỳ"


def test_no_rule_no_deadline():
    assert (
        DeadlinePlanner().plan(case=facts(kind="feedback"), step=DeadlineStep.RESOLVE, counted_from=date(2026, 3, 2))
        is None
    )


def test_a_period_ending_on_a_day_off_ends_on_the_next_working_day():
    # Received Fri 6 Feb 2026; the tenth day is Mon 16 Feb, in Tết → Mon 23 Feb (Civil Code Art. 148).
    planned = DeadlinePlanner().plan(case=facts(), step=DeadlineStep.COMPLAINT_ACCEPT, counted_from=date(2026, 2, 6))
    assert planned.due_on == date(2026, 2, 23)
    note = deadline_note(planned)
    assert "23/02/2026" in note and "06/02/2026" in note and planned.rule.legal_basis in note


def test_past_deadlines_of_a_case_entered_after_the_fact():
    planner = DeadlinePlanner()
    concluded = facts(
        status=CaseStatus.CONCLUDED,
        received_on=date(2026, 2, 6),
        accepted_on=date(2026, 2, 27),
        concluded_on=date(2026, 3, 20),
    )
    intake, resolve = planner.plan_past(concluded)
    assert (intake.step, intake.met_on) == (DeadlineStep.COMPLAINT_ACCEPT, date(2026, 2, 27))
    assert (resolve.step, resolve.counted_from, resolve.met_on) == ("resolve", date(2026, 2, 27), date(2026, 3, 20))
    assert current_due_on([intake, resolve]) is None
    waiting = facts(status=CaseStatus.CLASSIFIED, received_on=date(2026, 2, 6))
    assert [(d.step, d.met_on) for d in planner.plan_past(waiting)] == [(DeadlineStep.COMPLAINT_ACCEPT, None)]
    assert current_due_on(planner.plan_past(waiting)) == date(2026, 2, 23)
    # Transferred on a day the register does not give: no invented date, no deadline; the generator knows the day.
    transferred = facts(status=CaseStatus.TRANSFERRED, received_on=date(2026, 2, 6))
    assert planner.plan_past(transferred) == []
    [known] = planner.plan_past(transferred, intake_ended_on=date(2026, 2, 10))
    assert known.met_on == date(2026, 2, 10)


def test_the_current_due_date_is_the_earliest_deadline_not_met():
    planner = DeadlinePlanner()
    profile = facts()
    early = planner.plan(case=profile, step="complaint_accept", counted_from=date(2026, 3, 2), met_on=date(2026, 3, 3))
    later = planner.plan(case=profile, step="resolve", counted_from=date(2026, 3, 3))
    latest = planner.plan(case=profile, step="resolve", counted_from=date(2026, 4, 1))
    assert current_due_on([latest, early, later]) == later.due_on
    assert current_due_on([]) is None


# Services and imports choose the same rules ------------------------------------------------------------------

RECEIVED, ACCEPTED = date(2026, 2, 6), date(2026, 2, 27)
PROFILES = [
    ("complaint", "first", "normal", False),
    ("complaint", "first", "complex", True),
    ("complaint", "second", "normal", True),
    ("complaint", "second", "complex", True),
    ("complaint", "second", "very_complex", False),
    ("denunciation", "first", "complex", False),
    ("denunciation", "first", "very_complex", True),
    ("recommendation", "first", "normal", False),
]
WORDS = {
    "complaint": "Khiếu nại",
    "denunciation": "Tố cáo",
    "recommendation": "Kiến nghị",
    "first": "Lần đầu",
    "second": "Lần hai",
    "normal": "Bình thường",
    "complex": "Phức tạp",
    "very_complex": "Rất phức tạp",
}


def typed_in(user, unit, kind, attempt, complexity, remote) -> Case:
    """A case as an official would have handled it through the pages' services, accepted on ACCEPTED."""
    citizen = CitizenFactory(unit=unit)
    if attempt == "second":
        first = CaseFactory(
            unit=unit,
            number=f"T{citizen.pk}/2025",
            kind=kind,
            complainant=citizen,
            complexity=complexity,
            is_remote_area=remote,
            status=CaseStatus.CONCLUDED,
            received_on=date(2025, 10, 1),
            accepted_on=date(2025, 10, 5),
            concluded_on=date(2025, 11, 3),
            outcome="wrong",
            created_by=user,
        )
        case = services.case_open_second_time(user=user, case=first, received_on=RECEIVED, summary="Khiếu nại lần hai")
    else:
        letter = services.letter_receive(
            user=user,
            unit=unit,
            received_on=RECEIVED,
            channel="post",
            sender=citizen,
            summary="Đơn",
            content=kind,
            field=field(),
            is_processable=True,
            within_competence=True,
        )
        services.letter_dispose(user=user, letter=letter, disposition="case", on=RECEIVED)
        case = services.case_update(
            user=user, case=Case.objects.get(letters=letter), complexity=complexity, is_remote_area=remote
        )
    services.case_transition(user=user, case=case, move="classify", on=RECEIVED)
    return services.case_transition(user=user, case=case, move="accept", on=ACCEPTED)


def deadlines_of(case: Case) -> dict[str, tuple]:
    return {d.step: (d.rule_id, d.counted_from, d.due_on, d.met_on) for d in case.deadlines.all()}


def test_an_imported_case_gets_the_deadlines_the_services_give_the_same_case(ward, ward_official):
    typed = [typed_in(ward_official, ward, *profile) for profile in PROFILES]
    headings = ["Số vụ việc", "Ngày nhận", "Loại vụ việc", "Lĩnh vực", "Nguồn", "Nội dung", "Lần"]
    headings += ["Mức độ phức tạp", "Vùng khó khăn", "Trạng thái", "Ngày thụ lý"]
    rows = [
        [
            f"N{n}/2026",
            RECEIVED,
            WORDS[kind],
            "Đất đai",
            "Bưu điện",
            "Đơn",
            WORDS[attempt],
            WORDS[complexity],
            "có" if remote else "không",
            "Đã thụ lý",
            ACCEPTED,
        ]
        for n, (kind, attempt, complexity, remote) in enumerate(PROFILES)
    ]
    batch = run(user=ward_official, unit=ward, kind="cases", upload=xlsx(headings, rows))
    assert batch.created_count == len(PROFILES), batch.report
    for n, (profile, case) in enumerate(zip(PROFILES, typed, strict=True)):
        imported = Case.objects.get(unit=ward, number=f"N{n}/2026")
        assert (imported.kind, imported.attempt, imported.complexity, imported.is_remote_area) == profile
        assert deadlines_of(imported) == deadlines_of(case), profile
        assert imported.due_on == case.due_on
    # The profiles reach the rules that differ by attempt, complexity and area, not one rule for all.
    assert len({deadlines_of(case).get("resolve") for case in typed}) == len(PROFILES)
