"""One rule for the clocks (#16): a case whose complexity or area is found after acceptance gets the period of its
new profile, counted from acceptance as before; a letter has a processing deadline of its own, 10 working days from
receipt, met when it is handled, listed beside the cases due soon and overdue."""

import importlib
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from cases import services
from cases.choices import DeadlineStep, EventKind
from cases.deadlines import DeadlinePlanner, letter_due_on
from cases.models import Case, CaseEvent, Letter
from imports.models import ImportBatch
from tests.factories import CitizenFactory, LetterFactory, field
from tests.imports_helpers import run, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(ward):
    return CitizenFactory(unit=ward, full_name="Nguyễn Thị Khiếu")


def open_case(user, unit, citizen, *, kind: str, received_on: date) -> Case:
    letter = services.letter_receive(
        user=user,
        unit=unit,
        received_on=received_on,
        channel="post",
        sender=citizen,
        summary="Khiếu nại quyết định thu hồi đất",
        content=kind,
        field=field(),
        is_processable=True,
        within_competence=True,
    )
    services.letter_dispose(user=user, letter=letter, disposition="case", on=received_on)
    letter.refresh_from_db()
    assert letter.case is not None
    return letter.case


def accepted(user, unit, citizen, *, kind: str = "complaint", on: date = date(2026, 3, 13)) -> Case:
    case = open_case(user, unit, citizen, kind=kind, received_on=on - timedelta(days=3))
    services.case_transition(user=user, case=case, move="classify", on=on - timedelta(days=1))
    return services.case_transition(user=user, case=case, move="accept", on=on)


def resolve(case: Case):
    return case.deadlines.select_related("rule").get(step=DeadlineStep.RESOLVE)


# Complexity found after acceptance ------------------------------------------------------------------------------


def test_a_complaint_found_complex_after_acceptance_is_due_on_the_longer_period(ward, ward_official, citizen):
    # Accepted Fri 13/03/2026. Normal: 30 days → Sun 12/04 → Mon 13/04/2026. Complex: 45 days → Mon 27/04/2026,
    # the day off in lieu of the Hùng Kings' day (Sun 26/04) → Tue 28/04/2026 (Luật Khiếu nại 2011, Điều 28).
    case = accepted(ward_official, ward, citizen)
    assert (resolve(case).due_on, case.due_on) == (date(2026, 4, 13), date(2026, 4, 13))
    case = services.case_update(user=ward_official, case=case, complexity="complex")
    deadline = resolve(case)
    assert (deadline.due_on, deadline.counted_from) == (date(2026, 4, 28), date(2026, 3, 13))
    assert (deadline.rule.days, deadline.rule.complexity) == (45, "complex")
    assert Case.objects.get(pk=case.pk).due_on == date(2026, 4, 28)
    # The planner, from the seeded rules and the holidays table, agrees.
    assert DeadlinePlanner().due(rule=deadline.rule, counted_from=date(2026, 3, 13)) == date(2026, 4, 28)


def test_the_timeline_says_why_the_due_date_moved(client, ward, ward_official, citizen):
    case = accepted(ward_official, ward, citizen)
    services.case_update(user=ward_official, case=case, complexity="complex")
    note = CaseEvent.objects.filter(case=case, kind=EventKind.DEADLINE).latest("pk").note
    assert "13/04/2026 → 28/04/2026" in note
    assert gettext("Complex") in note and "Điều 28" in note
    client.force_login(ward_official)
    timeline = client.get(case.get_absolute_url()).context["page"].timeline
    assert any(entry.get("note") == note for entry in timeline)


def test_back_to_normal_moves_the_due_date_back(ward, ward_official, citizen):
    case = accepted(ward_official, ward, citizen)
    services.case_update(user=ward_official, case=case, complexity="complex")
    case = services.case_update(user=ward_official, case=case, complexity="normal")
    assert (resolve(case).due_on, Case.objects.get(pk=case.pk).due_on) == (date(2026, 4, 13), date(2026, 4, 13))
    notes = list(CaseEvent.objects.filter(case=case, kind=EventKind.DEADLINE).values_list("note", flat=True))
    assert any("28/04/2026 → 13/04/2026" in note for note in notes)


def test_a_remote_area_found_after_acceptance_gives_the_remote_period(ward, ward_official, citizen):
    case = accepted(ward_official, ward, citizen)
    case = services.case_update(user=ward_official, case=case, is_remote_area=True)
    # 45 days from 13/03/2026, as a complex complaint: Tue 28/04/2026.
    assert resolve(case).due_on == date(2026, 4, 28) and resolve(case).rule.remote_area is True


def test_a_change_that_keeps_the_profile_writes_no_deadline_event(ward, ward_official, citizen):
    case = accepted(ward_official, ward, citizen)
    before = CaseEvent.objects.filter(case=case, kind=EventKind.DEADLINE).count()
    services.case_update(user=ward_official, case=case, summary="Khiếu nại việc bồi thường", complexity="normal")
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DEADLINE).count() == before
    assert resolve(case).due_on == date(2026, 4, 13)


def test_a_denunciation_found_complex_during_resolution_may_be_extended_once(ward, ward_official, citizen):
    # Luật Tố cáo 2018, Điều 30: 30 days from acceptance; a complex case extended once by 30 days.
    case = accepted(ward_official, ward, citizen, kind="denunciation", on=date(2026, 3, 3))
    assert resolve(case).due_on == date(2026, 4, 2)
    with pytest.raises(ValidationError):
        services.case_extend_deadline(
            user=ward_official, case=case, step=DeadlineStep.RESOLVE, decision_number="1/QĐ", reason="Phức tạp"
        )
    case = services.case_update(user=ward_official, case=case, complexity="complex")
    assert resolve(case).due_on == date(2026, 4, 2)  # the same 30 days; what changes is the extension allowed
    assert resolve(case).rule.max_extensions == 1
    extended = services.case_extend_deadline(
        user=ward_official, case=case, step=DeadlineStep.RESOLVE, decision_number="2/QĐ", reason="Phức tạp"
    )
    # 30 more days from Thu 02/04/2026: Sat 02/05 → Mon 04/05/2026.
    assert extended.due_on == date(2026, 5, 4) and extended.extensions == 1
    assert Case.objects.get(pk=case.pk).due_on == date(2026, 5, 4)
    with pytest.raises(ValidationError):
        services.case_extend_deadline(
            user=ward_official, case=case, step=DeadlineStep.RESOLVE, decision_number="3/QĐ", reason="Phức tạp"
        )


def test_an_extension_decided_stands_when_the_case_becomes_very_complex(ward, ward_official, citizen):
    case = accepted(ward_official, ward, citizen, kind="denunciation", on=date(2026, 3, 3))
    services.case_update(user=ward_official, case=case, complexity="complex")
    services.case_extend_deadline(
        user=ward_official, case=case, step=DeadlineStep.RESOLVE, decision_number="2/QĐ", reason="Phức tạp"
    )
    case = services.case_update(user=ward_official, case=case, complexity="very_complex")
    deadline = resolve(case)
    assert (deadline.due_on, deadline.extensions, deadline.rule.max_extensions) == (date(2026, 5, 4), 1, 2)
    services.case_extend_deadline(
        user=ward_official, case=case, step=DeadlineStep.RESOLVE, decision_number="3/QĐ", reason="Rất phức tạp"
    )
    assert resolve(case).due_on == date(2026, 6, 3)  # 30 more days from Mon 04/05/2026: Wed 03/06/2026


def test_a_concluded_case_keeps_the_deadline_it_met(ward, ward_official, district_reviewer, citizen):
    case = accepted(ward_official, ward, citizen)
    services.case_transition(user=ward_official, case=case, move="verify", on=date(2026, 3, 20))
    services.case_transition(
        user=district_reviewer, case=case, move="conclude", on=date(2026, 4, 10), outcome="right", note="Kết luận"
    )
    before = CaseEvent.objects.filter(case=case, kind=EventKind.DEADLINE).count()
    case = services.case_update(user=ward_official, case=case, complexity="complex")
    deadline = resolve(case)
    assert (deadline.due_on, deadline.met_on, deadline.rule.complexity) == (
        date(2026, 4, 13),
        date(2026, 4, 10),
        "normal",
    )
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DEADLINE).count() == before
    assert Case.objects.get(pk=case.pk).due_on is None


def test_a_stale_edit_moves_no_deadline(ward, ward_official, citizen):
    case = accepted(ward_official, ward, citizen)
    version = case.history.count()
    services.case_update(user=ward_official, case=case, complexity="complex")
    with pytest.raises(ValidationError):
        services.case_update(user=ward_official, case=case, complexity="normal", version=version)
    assert resolve(case).due_on == date(2026, 4, 28)


# Letters' processing clock --------------------------------------------------------------------------------------


def receive(user, unit, *, received_on: date, sender=None, content: str = "feedback", **extra) -> Letter:
    return services.letter_receive(
        user=user,
        unit=unit,
        received_on=received_on,
        channel="post",
        sender=sender,
        is_anonymous=sender is None,
        summary="Phản ánh việc lấn chiếm vỉa hè",
        content=content,
        field=field(),
        is_processable=True,
        within_competence=True,
        **extra,
    )


def test_a_letter_is_due_ten_working_days_after_receipt_across_holidays_and_weekends(ward, ward_official):
    # Received Fri 24/04/2026 (not counted). Off: Mon 27/04 (in lieu of the Hùng Kings' day), Thu 30/04, Fri 01/05,
    # the weekends. Working days: 28, 29/04; 04, 05, 06, 07, 08/05; 11, 12, 13/05 → Wed 13/05/2026.
    letter = receive(ward_official, ward, received_on=date(2026, 4, 24))
    assert Letter.objects.get(pk=letter.pk).due_on == date(2026, 5, 13)
    assert letter_due_on(date(2026, 4, 24)) == date(2026, 5, 13)
    # Received Fri 06/03/2026: a plain fortnight of weekdays → Fri 20/03/2026.
    assert receive(ward_official, ward, received_on=date(2026, 3, 6)).due_on == date(2026, 3, 20)


def test_a_handled_letter_leaves_the_overdue_list(client, ward, ward_official):
    today = timezone.localdate()
    late = receive(ward_official, ward, received_on=today - timedelta(days=40))
    other = receive(ward_official, ward, received_on=today - timedelta(days=41))
    client.force_login(ward_official)
    url = reverse("cases:letter_overdue")
    assert list(client.get(url).context["object_list"]) == [other, late]
    services.letter_dispose(
        user=ward_official, letter=late, disposition="archived", archive_reason="duplicate", on=today
    )
    assert list(client.get(url).context["object_list"]) == [other]


def test_letters_due_soon(client, ward, ward_official, settings):
    settings.DUE_SOON_DAYS = 30
    today = timezone.localdate()
    soon = receive(ward_official, ward, received_on=today)
    receive(ward_official, ward, received_on=today - timedelta(days=40))  # overdue, not due soon
    client.force_login(ward_official)
    response = client.get(reverse("cases:letter_due_soon"))
    assert list(response.context["object_list"]) == [soon]
    assert reverse("cases:due_soon") in response.content.decode()  # the cases due soon, one click away


def test_the_overdue_list_shows_only_letters_in_scope(client, ward, other_ward, ward_official, other_ward_official):
    day = timezone.localdate() - timedelta(days=40)
    mine = receive(ward_official, ward, received_on=day)
    theirs = receive(other_ward_official, other_ward, received_on=day)
    url = reverse("cases:letter_overdue")
    client.force_login(other_ward_official)
    assert list(client.get(url).context["object_list"]) == [theirs]
    client.force_login(ward_official)
    assert list(client.get(url).context["object_list"]) == [mine]


def test_a_protected_sender_is_masked_for_an_official_without_the_identity_right(
    client, ward, ward_official, letter_clerk
):
    sender = CitizenFactory(unit=ward, full_name="Trần Văn Tốcáo")
    receive(
        ward_official,
        ward,
        received_on=timezone.localdate() - timedelta(days=40),
        sender=sender,
        content="denunciation",
    )
    url = reverse("cases:letter_overdue")
    client.force_login(ward_official)
    page = client.get(url).content.decode()
    assert "Trần Văn Tốcáo" not in page and gettext("Confidential (denouncer)") in page
    client.force_login(letter_clerk)
    assert "Trần Văn Tốcáo" in client.get(url).content.decode()


def test_the_letter_lists_cost_a_fixed_number_of_queries(client, ward, ward_official, django_assert_max_num_queries):
    day = timezone.localdate() - timedelta(days=40)
    receive(ward_official, ward, received_on=day, sender=CitizenFactory(unit=ward), content="denunciation")
    client.force_login(ward_official)
    url = reverse("cases:letter_overdue")
    with django_assert_max_num_queries(40) as first:
        client.get(url)
    for n in range(4):
        receive(
            ward_official,
            ward,
            received_on=day,
            sender=CitizenFactory(unit=ward),
            content=["complaint", "denunciation"][n % 2],
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(client.get(url).context["object_list"]) == 5


def test_the_migration_fills_the_deadline_of_letters_still_to_be_handled(ward):
    waiting = LetterFactory(unit=ward, received_on=date(2026, 4, 24))
    handled = LetterFactory(unit=ward, received_on=date(2026, 4, 24), disposition="archived")
    voided = LetterFactory(unit=ward, received_on=date(2026, 4, 24), is_void=True)
    fill = importlib.import_module("cases.migrations.0013_fill_letter_due_on").fill
    fill(apps, SimpleNamespace(connection=connection))
    due = dict(Letter.objects.values_list("pk", "due_on"))
    assert (due[waiting.pk], due[handled.pk], due[voided.pk]) == (date(2026, 5, 13), None, None)


def test_the_letter_page_shows_the_processing_deadline_until_the_letter_is_handled(client, ward, ward_official):
    letter = receive(ward_official, ward, received_on=date(2026, 4, 24))
    client.force_login(ward_official)
    assert "13/05/2026" in client.get(letter.get_absolute_url()).content.decode()
    services.letter_dispose(
        user=ward_official, letter=letter, disposition="archived", archive_reason="duplicate", on=date(2026, 5, 4)
    )
    assert "13/05/2026" not in client.get(letter.get_absolute_url()).content.decode()


def test_an_imported_letter_gets_its_processing_deadline(ward, ward_official):
    upload = xlsx(
        ["Số đơn", "Ngày nhận", "Nguồn", "Nặc danh", "Nội dung", "Phân loại", "Lĩnh vực", "Đủ điều kiện xử lý"],
        [["31/2026", "24/04/2026", "Bưu điện", "x", "Tố cáo cán bộ địa chính", "Tố cáo", "Đất đai", "có"]],
    )
    batch = run(user=ward_official, unit=ward, kind="letters", upload=upload)
    assert batch.status == ImportBatch.Status.DONE, batch.report
    assert Letter.objects.get(number="31/2026").due_on == date(2026, 5, 13)
