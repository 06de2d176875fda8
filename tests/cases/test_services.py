from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.choices import CaseStatus, DeadlineStep
from cases.models import Case, CaseEvent, DeadlineExtension, Letter
from tests.factories import CitizenFactory, field


@pytest.fixture
def denouncer(ward):
    return CitizenFactory(unit=ward, full_name="Hoàng Văn Tố")


def open_case(user, unit, *, kind="denunciation", received_on=date(2026, 2, 13), citizen=None, **extra):
    letter = services.letter_receive(
        user=user,
        unit=unit,
        received_on=received_on,
        channel="post",
        sender=citizen,
        is_anonymous=citizen is None,
        summary="Tố cáo cán bộ địa chính nhận tiền của dân",
        content=kind,
        field=field(),
        is_processable=True,
        within_competence=True,
    )
    services.letter_dispose(user=user, letter=letter, disposition="case", on=received_on, **extra)
    letter.refresh_from_db()
    return letter.case


def test_a_denunciation_received_the_friday_before_tet_is_due_in_seven_working_days(ward, ward_official, denouncer):
    # Tết Bính Ngọ 2026: Mon 16 – Fri 20 Feb off. Counting from Fri 13 Feb (not counted): 23, 24, 25, 26, 27 Feb,
    # 2 Mar, 3 Mar → the seventh working day is Tue 3 Mar 2026.
    case = open_case(ward_official, ward, citizen=denouncer)
    deadline = case.deadlines.get()
    assert deadline.step == DeadlineStep.DENUNCIATION_INITIAL
    assert deadline.due_on == date(2026, 3, 3)
    assert case.due_on == date(2026, 3, 3)
    assert "Điều 24" in deadline.rule.legal_basis


def test_a_complaint_must_be_accepted_within_ten_calendar_days(ward, ward_official, denouncer):
    # Received Fri 6 Feb 2026; the tenth day is Mon 16 Feb, in Tết → the next working day, Mon 23 Feb.
    case = open_case(ward_official, ward, kind="complaint", received_on=date(2026, 2, 6), citizen=denouncer)
    assert case.deadlines.get().due_on == date(2026, 2, 23)


def test_resolution_deadline_moves_only_by_recorded_extensions_as_far_as_the_law_allows(ward, ward_official, denouncer):
    case = open_case(ward_official, ward, citizen=denouncer)
    services.case_update(user=ward_official, case=case, complexity="complex")
    services.case_transition(user=ward_official, case=case, move="classify", on=date(2026, 3, 2))
    case = services.case_transition(user=ward_official, case=case, move="accept", on=date(2026, 3, 3))
    resolve = case.deadlines.get(step=DeadlineStep.RESOLVE)
    assert resolve.due_on == date(2026, 4, 2)  # 30 days from Tue 3 Mar
    assert case.deadlines.get(step=DeadlineStep.DENUNCIATION_INITIAL).met_on == date(2026, 3, 3)
    assert case.due_on == date(2026, 4, 2)

    with pytest.raises(ValidationError):
        services.case_extend_deadline(user=ward_official, case=case, step="resolve", decision_number="", reason="")
    services.case_extend_deadline(
        user=ward_official, case=case, step="resolve", decision_number="15/QĐ-UBND", reason="Phải xác minh nhiều nơi"
    )
    resolve.refresh_from_db()
    # Thu 2 Apr + 30 days = Sat 2 May 2026 → Mon 4 May (30/4 and 1/5 fall on Thu and Fri).
    assert resolve.due_on == date(2026, 5, 4)
    assert DeadlineExtension.objects.get().previous_due_on == date(2026, 4, 2)
    with pytest.raises(ValidationError, match="1"):
        services.case_extend_deadline(
            user=ward_official, case=case, step="resolve", decision_number="16/QĐ-UBND", reason="Lần nữa"
        )
    assert Case.objects.get(pk=case.pk).due_on == date(2026, 5, 4)


def test_a_normal_denunciation_cannot_be_extended(ward, ward_official, denouncer):
    case = open_case(ward_official, ward, citizen=denouncer)
    services.case_transition(user=ward_official, case=case, move="classify", on=date(2026, 3, 2))
    services.case_transition(user=ward_official, case=case, move="accept", on=date(2026, 3, 3))
    with pytest.raises(ValidationError):
        services.case_extend_deadline(user=ward_official, case=case, step="resolve", decision_number="1", reason="x")


def test_moves_follow_the_workflow_and_each_needs_its_right(ward, ward_official, district_reviewer, denouncer):
    case = open_case(ward_official, ward, citizen=denouncer)
    with pytest.raises(ValidationError):  # not from "received"
        services.case_transition(user=district_reviewer, case=case, move="conclude", outcome="right")
    services.case_transition(user=ward_official, case=case, move="classify", on=date(2026, 3, 2))
    services.case_transition(user=ward_official, case=case, move="accept", on=date(2026, 3, 3))
    services.case_transition(user=ward_official, case=case, move="verify", on=date(2026, 3, 4))
    with pytest.raises(PermissionDenied):  # the conclusion is the competent head's: the approve right
        services.case_transition(user=ward_official, case=case, move="conclude", outcome="right")
    with pytest.raises(ValidationError):
        services.case_transition(user=district_reviewer, case=case, move="conclude", outcome="")
    case = services.case_transition(
        user=district_reviewer, case=case, move="conclude", outcome="partly_right", on=date(2026, 3, 20)
    )
    assert case.status == CaseStatus.CONCLUDED and case.due_on is None
    events = list(CaseEvent.objects.filter(case=case, kind="transition").values_list("to_status", flat=True))
    assert events == ["classified", "accepted", "verifying", "concluded"]
    assert {e.user for e in CaseEvent.objects.filter(case=case, kind="transition")} == {
        ward_official,
        district_reviewer,
    }


def test_an_anonymous_complaint_is_archived_not_made_a_case(ward, ward_official):
    letter = services.letter_receive(
        user=ward_official,
        unit=ward,
        received_on=date(2026, 3, 2),
        channel="post",
        is_anonymous=True,
        summary="Phản ánh",
        content="complaint",
        field=field(),
        is_processable=True,
    )
    with pytest.raises(ValidationError) as error:
        services.letter_dispose(user=ward_official, letter=letter, disposition="case", on=date(2026, 3, 3))
    assert "disposition" in error.value.error_dict
    services.letter_dispose(
        user=ward_official, letter=letter, disposition="archived", archive_reason="anonymous", on=date(2026, 3, 3)
    )
    letter.refresh_from_db()
    assert letter.retain_until == date(2027, 3, 3) and letter.case is None
    assert not Case.objects.exists()


def test_assignment_only_to_a_handler_in_scope(ward, ward_official, other_ward_official, denouncer):
    case = open_case(ward_official, ward, citizen=denouncer)
    with pytest.raises(ValidationError):
        services.case_assign(user=ward_official, case=case, handler=other_ward_official)
    services.case_assign(user=ward_official, case=case, handler=ward_official)
    assert Case.objects.get(pk=case.pk).handler == ward_official


def test_designations_need_a_reason_and_the_review_right_and_can_be_lifted(
    ward, ward_official, district_reviewer, denouncer
):
    case = open_case(ward_official, ward, citizen=denouncer)
    with pytest.raises(PermissionDenied):
        services.case_designate(user=ward_official, case=case, kind="hot_spot", reason="Tụ tập")
    with pytest.raises(ValidationError):
        services.case_designate(user=district_reviewer, case=case, kind="hot_spot", reason=" ")
    designation = services.case_designate(user=district_reviewer, case=case, kind="hot_spot", reason="Tụ tập đông")
    assert Case.objects.get(pk=case.pk).is_hot_spot
    services.case_lift_designation(user=district_reviewer, designation=designation)
    assert not Case.objects.get(pk=case.pk).is_hot_spot
    designation.refresh_from_db()
    assert designation.lifted_by == district_reviewer


def test_merging_keeps_both_linked_and_can_be_undone(ward, ward_official, denouncer):
    first = open_case(ward_official, ward, citizen=denouncer)
    second = open_case(ward_official, ward, citizen=denouncer)
    services.case_merge(user=ward_official, duplicate=second, into=first)
    assert list(Case.objects.active()) == [first]
    services.case_unmerge(user=ward_official, duplicate=second)
    assert set(Case.objects.active()) == {first, second}


def test_a_second_time_complaint_opens_a_linked_case_with_the_longer_period(
    ward, ward_official, district_reviewer, denouncer
):
    case = open_case(ward_official, ward, kind="complaint", citizen=denouncer, received_on=date(2026, 3, 2))
    services.case_transition(user=ward_official, case=case, move="classify", on=date(2026, 3, 2))
    services.case_transition(user=ward_official, case=case, move="accept", on=date(2026, 3, 3))
    services.case_transition(user=district_reviewer, case=case, move="conclude", outcome="wrong", on=date(2026, 3, 30))
    second = services.case_open_second_time(
        user=ward_official, case=case, received_on=date(2026, 4, 10), summary="Không đồng ý quyết định lần đầu"
    )
    assert second.previous_case == case and second.attempt == "second"
    services.case_transition(user=ward_official, case=second, move="classify", on=date(2026, 4, 10))
    services.case_transition(user=ward_official, case=second, move="accept", on=date(2026, 4, 13))
    assert second.deadlines.get(step="resolve").rule.days == 45


def test_voiding_needs_a_reason_and_keeps_the_case(ward, ward_official, denouncer):
    case = open_case(ward_official, ward, citizen=denouncer)
    with pytest.raises(ValidationError):
        services.case_void(user=ward_official, case=case, reason="")
    services.case_void(user=ward_official, case=case, reason="Nhập trùng")
    assert Case.objects.filter(pk=case.pk, is_void=True).exists()
    assert Letter.objects.filter(case=case).exists()


def test_a_letter_outside_competence_cannot_become_a_case_and_archives_keep_a_year(ward, ward_official, denouncer):
    letter = services.letter_receive(
        user=ward_official,
        unit=ward,
        received_on=date(2026, 3, 2),
        channel="post",
        sender=denouncer,
        summary="Kiến nghị",
        content="recommendation",
        field=field(),
        is_processable=True,
        within_competence=False,
    )
    with pytest.raises(ValidationError) as error:
        services.letter_dispose(user=ward_official, letter=letter, disposition="case", on=date(2026, 3, 3))
    assert "disposition" in error.value.error_dict
    assert services.one_year_after(date(2028, 2, 29)) == date(2029, 2, 28)


def test_a_letter_joins_only_an_open_case_of_its_unit(ward, other_ward, ward_official, denouncer):
    case = open_case(ward_official, ward, citizen=denouncer, kind="complaint")
    letter = services.letter_receive(
        user=ward_official,
        unit=ward,
        received_on=date(2026, 3, 2),
        channel="post",
        sender=denouncer,
        summary="Đơn lần hai cùng nội dung",
        content="complaint",
        field=field(),
        is_processable=True,
        within_competence=True,
    )
    services.letter_dispose(user=ward_official, letter=letter, disposition="case", on=date(2026, 3, 3), case=case)
    assert case.letters.count() == 2 and Case.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, kind="note").exists()


def concluded_complaint(user, reviewer, unit, citizen, *, outcome="wrong", case=None):
    """A first-time complaint received on 2 March 2026 (or the given case) taken through to its conclusion."""
    case = case or open_case(user, unit, kind="complaint", citizen=citizen, received_on=date(2026, 3, 2))
    day = case.received_on
    services.case_transition(user=user, case=case, move="classify", on=day + timedelta(days=1))
    services.case_transition(user=user, case=case, move="accept", on=day + timedelta(days=2))
    return services.case_transition(
        user=reviewer, case=case, move="conclude", outcome=outcome, on=day + timedelta(days=9)
    )


def open_second_time(user, case):
    return services.case_open_second_time(
        user=user, case=case, received_on=date(2026, 4, 21), summary="Không đồng ý quyết định giải quyết"
    )


def test_a_second_time_complaint_cannot_itself_be_complained_about_a_second_time(
    ward, ward_official, district_reviewer, denouncer
):
    first = concluded_complaint(ward_official, district_reviewer, ward, denouncer)
    second = concluded_complaint(
        ward_official, district_reviewer, ward, denouncer, case=open_second_time(ward_official, first)
    )
    with pytest.raises(ValidationError):
        open_second_time(ward_official, second)
    assert Case.objects.filter(previous_case=second).count() == 0


def test_a_first_time_decision_is_complained_about_a_second_time_once(
    ward, ward_official, district_reviewer, denouncer
):
    first = concluded_complaint(ward_official, district_reviewer, ward, denouncer)
    second = open_second_time(ward_official, first)
    with pytest.raises(ValidationError, match=second.number):
        open_second_time(ward_official, first)
    # A second-time complaint entered by mistake and voided no longer stands in the way.
    services.case_void(user=ward_official, case=second, reason="Nhập nhầm")
    assert open_second_time(ward_official, first).previous_case == first


def test_no_second_time_complaint_without_a_first_time_decision(ward, ward_official, district_reviewer, denouncer):
    not_accepted = open_case(ward_official, ward, kind="complaint", citizen=denouncer, received_on=date(2026, 3, 2))
    services.case_transition(user=ward_official, case=not_accepted, move="classify", on=date(2026, 3, 3))
    services.case_transition(
        user=ward_official, case=not_accepted, move="not_accept", on=date(2026, 3, 4), note="Hết hạn"
    )
    closed = services.case_transition(user=ward_official, case=not_accepted, move="close", on=date(2026, 3, 5))
    withdrawn = concluded_complaint(ward_official, district_reviewer, ward, denouncer, outcome="withdrawn")
    for case in (closed, withdrawn):
        with pytest.raises(ValidationError):
            open_second_time(ward_official, case)
    assert not Case.objects.filter(attempt="second").exists()


def test_a_lifted_designation_cannot_be_lifted_again_nor_turn_off_the_flag_designated_since(
    ward, ward_official, district_reviewer, denouncer
):
    case = open_case(ward_official, ward, citizen=denouncer)
    first = services.case_designate(user=district_reviewer, case=case, kind="hot_spot", reason="Tụ tập đông")
    services.case_lift_designation(user=district_reviewer, designation=first)
    services.case_designate(user=district_reviewer, case=case, kind="hot_spot", reason="Lại tụ tập trước trụ sở")
    with pytest.raises(ValidationError):
        services.case_lift_designation(user=district_reviewer, designation=first)
    assert Case.objects.get(pk=case.pk).is_hot_spot
    assert CaseEvent.objects.filter(case=case, kind="unflagged").count() == 1
