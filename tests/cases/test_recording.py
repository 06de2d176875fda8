"""Recording a conclusion or decision signed on paper (issue #17, part 2; DESIGN §8 "Recording vs deciding"): the
register keeper of a ward records it with the RECORD right, which approving in the app (APPROVE) is not."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.roles import ROLE_RIGHTS, Action, Role
from accounts.scoping import has_right
from cases import services
from cases.choices import CaseStatus, EventKind
from cases.models import Attachment, Case, CaseEvent
from reports.figures import case_figures
from tests.cases.test_services import open_case
from tests.factories import CitizenFactory

ACCEPTED_ON = date(2026, 3, 5)


def signed_scan(name: str = "quyet-dinh-15.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 signed decision", content_type="application/pdf")


def complaint(user, unit) -> Case:
    return open_case(user, unit, kind="complaint", received_on=date(2026, 3, 2), citizen=CitizenFactory(unit=unit))


def accepted_complaint(user, unit, *, accepted_on: date = ACCEPTED_ON) -> Case:
    case = complaint(user, unit)
    services.case_transition(user=user, case=case, move="classify", on=date(2026, 3, 2))
    return services.case_transition(user=user, case=case, move="accept", on=accepted_on)


def record(user, case, **changes) -> Case:
    given = {
        "decision_number": "15/QĐ-UBND",
        "decided_on": date(2026, 4, 20),
        "signer": "Nguyễn Văn Chủ, Chủ tịch UBND phường",
        "outcome": "partly_right",
        "document": signed_scan(),
        **changes,
    }
    return services.case_record_decision(user=user, case=case, **given)


def unchanged(case: Case) -> None:
    """Nothing of a refused recording was saved: status, dates, fields, documents, events."""
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == CaseStatus.ACCEPTED
    assert stored.concluded_on is None and stored.outcome == "" and stored.decision_number == ""
    assert not Attachment.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, to_status=CaseStatus.CONCLUDED).exists()
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.ATTACHMENT).exists()
    assert stored.deadlines.get(step="resolve").met_on is None


def test_the_record_right_is_the_ward_officials_and_reviewers_and_approve_stays_apart():
    assert Action.RECORD in ROLE_RIGHTS[Role.WARD_OFFICIAL]
    assert Action.APPROVE not in ROLE_RIGHTS[Role.WARD_OFFICIAL]
    assert Action.RECORD in ROLE_RIGHTS[Role.DISTRICT_REVIEWER]
    assert Action.RECORD not in ROLE_RIGHTS[Role.STEERING_MEMBER]
    assert Action.RECORD not in ROLE_RIGHTS[Role.ADMINISTRATOR]


def test_the_ward_official_records_a_conclusion_with_its_signed_decision(ward, ward_official):
    case = accepted_complaint(ward_official, ward)
    case = record(ward_official, case)
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == CaseStatus.CONCLUDED
    assert stored.concluded_on == date(2026, 4, 20)
    assert stored.outcome == "partly_right"
    assert (stored.decision_number, stored.decision_signer) == ("15/QĐ-UBND", "Nguyễn Văn Chủ, Chủ tịch UBND phường")
    assert stored.due_on is None
    assert stored.deadlines.get(step="resolve").met_on == date(2026, 4, 20)
    scan = Attachment.objects.get(case=case)
    assert scan.original_name == "quyet-dinh-15.pdf" and scan.uploaded_by == ward_official
    assert "15/QĐ-UBND" in scan.description
    event = CaseEvent.objects.get(case=case, to_status=CaseStatus.CONCLUDED)
    assert event.user == ward_official and event.from_status == CaseStatus.ACCEPTED
    assert str(ward_official) in event.note
    assert "Nguyễn Văn Chủ, Chủ tịch UBND phường" in event.note
    assert "15/QĐ-UBND" in event.note and "20/04/2026" in event.note
    # The history keeps the decision's particulars.
    latest = stored.history.first()
    assert latest.decision_number == "15/QĐ-UBND" and latest.decision_signer.startswith("Nguyễn Văn Chủ")
    assert latest.history_user == ward_official


def test_a_ward_without_a_reviewer_concludes_through_the_case_page(client, ward, ward_official):
    case = accepted_complaint(ward_official, ward)
    client.force_login(ward_official)
    page = client.get(case.get_absolute_url())
    assert [move.name for move in page.context["moves"]] == ["verify", "dialogue"]  # no "conclude": not APPROVE
    assert page.context["can_record"]
    assert reverse("cases:case_record_decision", args=[case.pk]) in page.content.decode()
    response = client.post(
        reverse("cases:case_record_decision", args=[case.pk]),
        {
            "decision_number": "7/KL-UBND",
            "decided_on": "14/04/2026",
            "signer": "Trần Thị Bí, Bí thư Đảng ủy",
            "outcome": "right",
            "document": signed_scan("ket-luan.pdf"),
        },
    )
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.concluded_on, stored.outcome) == (CaseStatus.CONCLUDED, date(2026, 4, 14), "right")
    page = client.get(case.get_absolute_url())
    assert not page.context["can_record"]  # concluded: nothing left to record
    assert "7/KL-UBND" in page.content.decode()


def test_missing_number_signer_and_document_are_refused_next_to_their_fields_and_nothing_is_saved(
    client, ward, ward_official
):
    case = accepted_complaint(ward_official, ward)
    with pytest.raises(ValidationError) as refused:
        record(ward_official, case, decision_number="  ", signer="", document=None)
    assert set(refused.value.message_dict) == {"decision_number", "signer", "document"}
    unchanged(case)

    client.force_login(ward_official)
    response = client.post(
        reverse("cases:case_record_decision", args=[case.pk]),
        {"decision_number": "", "decided_on": "20/04/2026", "signer": "", "outcome": "right"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["decision_number"] == [gettext("Enter the number of the signed conclusion or decision.")]
    assert form.errors["signer"] == [gettext("Enter who signed the conclusion or decision.")]
    assert form.errors["document"] == [gettext("Attach the scan of the signed conclusion or decision.")]
    assert form.errors["document"][0] in response.content.decode()  # shown on the page, next to the field
    unchanged(case)


def test_an_upload_refused_by_the_checks_saves_nothing(ward, ward_official):
    case = accepted_complaint(ward_official, ward)
    with pytest.raises(ValidationError) as refused:
        record(ward_official, case, document=SimpleUploadedFile("quyet-dinh.exe", b"MZ\x90\x00"))
    assert "document" in refused.value.message_dict
    unchanged(case)


def test_the_date_must_lie_between_acceptance_and_today(ward, ward_official):
    case = accepted_complaint(ward_official, ward)
    tomorrow = timezone.localdate() + timedelta(days=1)
    for refused_on in (ACCEPTED_ON - timedelta(days=1), tomorrow, None):
        with pytest.raises(ValidationError) as refused:
            record(ward_official, case, decided_on=refused_on)
        assert set(refused.value.message_dict) == {"decided_on"}
        unchanged(case)
    # The day of acceptance itself is allowed.
    assert record(ward_official, case, decided_on=ACCEPTED_ON).concluded_on == ACCEPTED_ON


def test_a_case_not_yet_accepted_or_already_concluded_is_refused(ward, ward_official):
    case = complaint(ward_official, ward)
    with pytest.raises(ValidationError):
        record(ward_official, case)
    case = accepted_complaint(ward_official, ward)
    record(ward_official, case)
    with pytest.raises(ValidationError):  # a second recording of the same conclusion
        record(ward_official, Case.objects.get(pk=case.pk), decision_number="16/QĐ-UBND")
    assert Case.objects.get(pk=case.pk).decision_number == "15/QĐ-UBND"


def test_an_outcome_outside_the_list_is_refused(ward, ward_official):
    case = accepted_complaint(ward_official, ward)
    with pytest.raises(ValidationError) as refused:
        record(ward_official, case, outcome="maybe")
    assert set(refused.value.message_dict) == {"outcome"}
    unchanged(case)


def test_another_wards_official_gets_404_and_the_service_refuses(client, ward, ward_official, other_ward_official):
    case = accepted_complaint(ward_official, ward)
    url = reverse("cases:case_record_decision", args=[case.pk])
    client.force_login(other_ward_official)
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision_number": "1", "signer": "x", "outcome": "right"}).status_code == 404
    with pytest.raises(PermissionDenied):
        record(other_ward_official, case)
    unchanged(case)


def test_a_steering_member_may_approve_but_not_record(client, ward, ward_official, steering_member):
    case = accepted_complaint(ward_official, ward)
    assert has_right(steering_member, Action.APPROVE, ward.pk)
    assert not has_right(steering_member, Action.RECORD, ward.pk)
    with pytest.raises(PermissionDenied):
        record(steering_member, case)
    unchanged(case)
    client.force_login(steering_member)
    assert client.get(reverse("cases:case_record_decision", args=[case.pk])).status_code == 404
    page = client.get(case.get_absolute_url())
    assert not page.context["can_record"]
    assert "conclude" in [move.name for move in page.context["moves"]]  # the approve path stays theirs


def test_a_reviewer_of_the_ward_records_too(ward, ward_official, district_reviewer):
    case = accepted_complaint(ward_official, ward)
    record(district_reviewer, case)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CONCLUDED
    assert Attachment.objects.get(case=case).uploaded_by == district_reviewer


def test_the_report_counts_a_recorded_conclusion_on_the_decisions_date(ward, ward_official):
    """The party half-year 15/12/2025–14/06/2026: decided on its last day, a case is resolved in it; decided on
    the first day of the next, in the next one, whenever either was recorded."""
    last_day = accepted_complaint(ward_official, ward)
    first_day_after = accepted_complaint(ward_official, ward)
    record(ward_official, last_day, decided_on=date(2026, 6, 14))
    record(ward_official, first_day_after, decided_on=date(2026, 6, 15))
    period = case_figures(frozenset({ward.pk}), date(2025, 12, 15), date(2026, 6, 14))
    next_period = case_figures(frozenset({ward.pk}), date(2026, 6, 15), date(2026, 12, 14))
    assert (period["resolved"], period["partly_right"]) == (1, 1)
    assert period["pending_at_end"] == 1
    assert (next_period["resolved"], next_period["partly_right"]) == (1, 1)
