"""Transfers inside the tree (issue #17, part 1): a letter or case outside a unit's competence goes to the
competent unit, which acknowledges, registers or returns it; the sender follows it, reads the result and urges."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.confidentiality import MASKED_NAME
from accounts.models import PersonalDataAccess
from accounts.roles import Role
from cases import services, transfers
from cases.models import Case, Letter, Transfer, TransferStatus, TransferUrge
from citizens.models import Citizen
from tests.factories import CaseFactory, CitizenFactory, LetterFactory, UnitFactory, field, user_with_role


@pytest.fixture
def ward_b(city):
    return UnitFactory(name="Phường Có Thẩm Quyền", parent=city)


@pytest.fixture
def official_b(ward_b):
    return user_with_role(ward_b, Role.WARD_OFFICIAL)


@pytest.fixture
def clerk_b(ward_b):
    """B's official who may see denouncers' identities."""
    return user_with_role(ward_b, Role.WARD_OFFICIAL, may_see_identity=True)


def classified_letter(unit, *, content="complaint", summary="Tranh chấp ranh giới đất với hộ bên cạnh", **extra):
    """A letter of `unit` from a named citizen, classified (outside its competence), not handled yet."""
    sender = CitizenFactory(unit=unit, full_name="Trần Thị Bình", address="Số 7 ngõ Chợ")
    return LetterFactory(
        unit=unit,
        sender=sender,
        is_anonymous=False,
        summary=summary,
        content=content,
        field=field(),
        is_processable=True,
        within_competence=False,
        **extra,
    )


def send(client, user, letter, **data):
    client.force_login(user)
    return client.post(
        reverse("cases:letter_transfer", args=[letter.pk]), {"reason": "Thuộc thẩm quyền phường B", **data}
    )


def test_a_letter_goes_from_ward_a_to_ward_b_which_acknowledges_and_registers_it(
    client, ward, ward_b, ward_official, official_b
):
    letter = classified_letter(ward)
    other_letter = classified_letter(ward, summary="Đơn khác của phường A, không chuyển")
    response = send(client, ward_official, letter, to_unit=ward_b.pk)
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.from_unit, transfer.to_unit, transfer.letter, transfer.status) == (
        ward,
        ward_b,
        letter,
        TransferStatus.SENT,
    )
    letter.refresh_from_db()
    # The letter is handled as transferred, by the letter's own rules, naming the unit as the competent body.
    assert (letter.disposition, letter.competent_body, letter.disposed_on) == (
        "transferred",
        ward_b.name,
        timezone.localdate(),
    )

    # B's inbox lists it, with the item's summary and the sender (a complaint: not protected).
    client.force_login(official_b)
    inbox = client.get(reverse("cases:transfer_inbox"))
    assert list(inbox.context["object_list"]) == [transfer]
    html = inbox.content.decode()
    assert letter.summary in html and "Trần Thị Bình" in html
    # ... and nothing else of A: not A's other letter, not A's letters through the register.
    assert other_letter.summary not in html
    assert client.get(other_letter.get_absolute_url()).status_code == 404
    assert client.get(letter.get_absolute_url()).status_code == 404

    assert client.post(reverse("cases:transfer_acknowledge", args=[transfer.pk])).status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.received_on, transfer.received_by) == (
        TransferStatus.RECEIVED,
        timezone.localdate(),
        official_b,
    )
    client.force_login(ward_official)
    page = client.get(letter.get_absolute_url())
    assert page.context["transfer_lines"][0].transfer == transfer
    assert _("Received") in page.content.decode()

    client.force_login(official_b)
    assert client.post(reverse("cases:transfer_register", args=[transfer.pk])).status_code == 302
    transfer.refresh_from_db()
    new = transfer.registered_letter
    assert transfer.status == TransferStatus.REGISTERED and new is not None
    assert (new.unit, new.channel, new.summary, new.content) == (ward_b, "transferred", letter.summary, "")
    assert ward.name in new.transferred_from and letter.number in new.transferred_from
    # The sender is copied into B (B cannot change A's citizens); A's citizen is left as it was.
    assert new.sender is not None and new.sender.unit == ward_b and new.sender.pk != letter.sender_id
    assert (new.sender.full_name, new.sender.national_id) == (letter.sender.full_name, letter.sender.national_id)
    assert new.due_on is not None  # B's own processing deadline runs
    assert client.get(new.get_absolute_url()).status_code == 200
    # Once registered it cannot be registered or returned again.
    with pytest.raises(ValidationError):
        transfers.transfer_register(user=official_b, transfer=transfer)
    assert Letter.objects.filter(unit=ward_b).count() == 1

    client.force_login(ward_official)
    html = client.get(letter.get_absolute_url()).content.decode()
    assert _("Registered by the receiver") in html and new.number in html
    assert transfer.history.count() == 3  # sent, received, registered


def test_registering_a_letter_whose_sender_is_already_recorded_by_b_reuses_the_person(
    ward, ward_b, ward_official, official_b
):
    letter = classified_letter(ward)
    known = CitizenFactory(unit=ward_b, full_name="Trần Thị Bình", national_id=letter.sender.national_id)
    transfer = transfers.transfer_letter(user=ward_official, letter=letter, to_unit=ward_b, reason="Thẩm quyền B")
    transfer = transfers.transfer_register(user=official_b, transfer=transfer)
    assert transfer.registered_letter.sender == known
    assert Citizen.objects.filter(unit=ward_b).count() == 1


def test_b_returns_a_transfer_with_a_reason_and_a_sees_it(client, ward, ward_b, ward_official, official_b):
    letter = classified_letter(ward)
    transfer = transfers.transfer_letter(user=ward_official, letter=letter, to_unit=ward_b, reason="Thẩm quyền B")
    client.force_login(official_b)
    url = reverse("cases:transfer_return", args=[transfer.pk])
    # No reason: refused next to the field, nothing changes.
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200 and refused.context["return_form"].errors["reason"]
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT
    with pytest.raises(ValidationError) as error:
        transfers.transfer_return(user=official_b, transfer=transfer, reason="")
    assert set(error.value.message_dict) == {"reason"}

    assert client.post(url, {"reason": "Không thuộc địa bàn phường B"}).status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.return_reason, transfer.closed_on) == (
        TransferStatus.RETURNED,
        "Không thuộc địa bàn phường B",
        timezone.localdate(),
    )
    assert transfer.received_on == timezone.localdate()  # returning acknowledges too
    assert not Letter.objects.filter(unit=ward_b).exists()
    client.force_login(ward_official)
    html = client.get(letter.get_absolute_url()).content.decode()
    assert "Không thuộc địa bàn phường B" in html
    # A returned transfer is not urged.
    with pytest.raises(ValidationError):
        transfers.transfer_urge(user=ward_official, transfer=transfer)
    # The letter is the sender's to handle again (the undone handling kept in its history): sent elsewhere.
    letter.refresh_from_db()
    assert (letter.disposition, letter.disposed_on, letter.competent_body) == ("", None, "")
    assert letter.history.filter(disposition="transferred").exists()
    outside = transfers.transfer_letter(
        user=ward_official, letter=letter, outside_body="Tòa án nhân dân", reason="Tranh chấp"
    )
    letter.refresh_from_db()
    assert (letter.disposition, letter.competent_body, outside.status) == ("transferred", "Tòa án nhân dân", "sent")


def test_urging_is_refused_before_the_time_and_recorded_after_it_with_its_own_clock(
    client, ward, ward_b, ward_official, official_b
):
    letter = classified_letter(ward)
    transfer = transfers.transfer_letter(user=ward_official, letter=letter, to_unit=ward_b, reason="Thẩm quyền B")
    url = reverse("cases:transfer_urge", args=[transfer.pk])
    today = timezone.localdate()
    days = transfers.URGE_AFTER_DAYS
    Transfer.objects.filter(pk=transfer.pk).update(sent_on=today - timedelta(days=days - 1))  # one day short
    client.force_login(ward_official)
    assert client.post(url, {"note": "Đề nghị trả lời"}).status_code == 302
    assert not TransferUrge.objects.exists()
    # The receiver cannot urge (the urge page is the sender's: 404).
    client.force_login(official_b)
    assert client.post(url, {"note": "x"}).status_code == 404

    Transfer.objects.filter(pk=transfer.pk).update(sent_on=today - timedelta(days=days))  # the day it opens
    client.force_login(ward_official)
    assert client.post(url, {"note": "Đề nghị trả lời"}).status_code == 302
    urge = TransferUrge.objects.get()
    assert (urge.on, urge.note, urge.user) == (today, "Đề nghị trả lời", ward_official)
    letter.refresh_from_db()
    assert letter.disposition == "transferred"  # an urge is a step, not a change of the handling
    # The clock restarts from the urge: a second urge today is refused.
    with pytest.raises(ValidationError):
        transfers.transfer_urge(user=ward_official, transfer=transfer)
    html = client.get(letter.get_absolute_url()).content.decode()
    assert "Đề nghị trả lời" in html


def test_a_third_ward_sees_nothing(client, ward, ward_b, other_ward, ward_official, other_ward_official):
    transfer = transfers.transfer_letter(
        user=ward_official, letter=classified_letter(ward), to_unit=ward_b, reason="Thẩm quyền B"
    )
    client.force_login(other_ward_official)
    inbox = client.get(reverse("cases:transfer_inbox"))
    assert inbox.status_code == 200 and not list(inbox.context["object_list"])
    assert client.get(reverse("cases:transfer_detail", args=[transfer.pk])).status_code == 404
    for name in ("transfer_acknowledge", "transfer_register", "transfer_urge"):
        assert client.post(reverse(f"cases:{name}", args=[transfer.pk])).status_code == 404
    assert client.post(reverse("cases:transfer_return", args=[transfer.pk]), {"reason": "x"}).status_code == 404
    with pytest.raises(PermissionDenied):
        transfers.transfer_acknowledge(user=other_ward_official, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT


def test_a_denunciations_sender_is_masked_for_bs_official_without_the_right(
    client, ward, ward_b, ward_official, official_b, clerk_b
):
    letter = classified_letter(ward, content="denunciation", summary="Tố cáo cán bộ địa chính nhận tiền")
    transfer = transfers.transfer_letter(user=ward_official, letter=letter, to_unit=ward_b, reason="Thẩm quyền B")
    client.force_login(official_b)
    for url in (reverse("cases:transfer_inbox"), transfer.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "Trần Thị Bình" not in html and "Số 7 ngõ Chợ" not in html
        assert str(MASKED_NAME) in html
        assert letter.summary in html  # the content itself is B's to handle
    assert not PersonalDataAccess.objects.exists()

    client.force_login(clerk_b)
    html = client.get(transfer.get_absolute_url()).content.decode()
    assert "Trần Thị Bình" in html
    assert PersonalDataAccess.objects.filter(user=clerk_b, unit=ward_b).count() == 1
    # Registered, the letter is unclassified in B: its sender stays protected there too.
    new = transfers.transfer_register(user=official_b, transfer=transfer).registered_letter
    client.force_login(official_b)
    assert "Trần Thị Bình" not in client.get(new.get_absolute_url()).content.decode()


def test_the_result_shows_once_bs_case_is_concluded(client, ward, ward_b, ward_official, official_b, clerk_b):
    letter = classified_letter(ward)
    transfer = transfers.transfer_letter(user=ward_official, letter=letter, to_unit=ward_b, reason="Thẩm quyền B")
    new = transfers.transfer_register(user=official_b, transfer=transfer).registered_letter
    services.letter_classify(
        user=clerk_b, letter=new, content="complaint", field=field(), is_processable=True, within_competence=True
    )
    new = services.letter_dispose(user=official_b, letter=new, disposition="case", on=timezone.localdate())
    case = Case.objects.get(pk=new.case_id)
    services.case_transition(user=official_b, case=case, move="classify")
    services.case_transition(user=official_b, case=case, move="accept")
    transfer.refresh_from_db()
    assert transfers.transfer_result(transfer) is None  # accepted, not concluded yet
    assert transfers.urge_refusal(transfer, timezone.localdate() + timedelta(days=30)) is None

    reviewer_b = user_with_role(ward_b, Role.DISTRICT_REVIEWER)
    services.case_transition(user=reviewer_b, case=case, move="conclude", outcome="partly_right")
    transfer = Transfer.objects.get(pk=transfer.pk)
    result = transfers.transfer_result(transfer)
    assert result is not None and (result.case_number, result.concluded_on) == (case.number, timezone.localdate())
    client.force_login(ward_official)
    html = client.get(letter.get_absolute_url()).content.decode()
    assert _("Partly right") in html and case.number in html
    # The sender reads the result through the link; B's case itself stays B's.
    assert client.get(case.get_absolute_url()).status_code == 404
    # With the result in, there is nothing left to urge.
    assert transfers.urge_refusal(transfer, timezone.localdate() + timedelta(days=30)) is not None


def test_an_outside_body_is_named_as_text_as_before(client, ward, ward_official):
    letter = classified_letter(ward)
    assert send(client, ward_official, letter, outside_body="Tòa án nhân dân khu vực 1").status_code == 302
    letter.refresh_from_db()
    assert (letter.disposition, letter.competent_body) == ("transferred", "Tòa án nhân dân khu vực 1")
    transfer = Transfer.objects.get()
    assert transfer.to_unit is None and transfer.outside_body == "Tòa án nhân dân khu vực 1"
    assert "Tòa án nhân dân khu vực 1" in client.get(letter.get_absolute_url()).content.decode()
    # The old way, the handling form with its free text, still works and makes no transfer record.
    other = classified_letter(ward)
    services.letter_dispose(
        user=ward_official,
        letter=other,
        disposition="transferred",
        on=timezone.localdate(),
        competent_body="Công an quận",
    )
    assert Transfer.objects.count() == 1


def test_bad_sends_are_refused_next_to_the_fields_and_nothing_is_saved(client, ward, ward_b, ward_official):
    letter = classified_letter(ward)
    cases = [
        ({}, "to_unit"),  # neither a unit nor a body
        ({"to_unit": ward_b.pk, "outside_body": "Tòa án"}, "outside_body"),  # both
        ({"to_unit": ward.pk}, "to_unit"),  # to itself: not offered
        ({"to_unit": 999999}, "to_unit"),  # no such unit
    ]
    for data, field_name in cases:
        response = send(client, ward_official, letter, **data)
        assert response.status_code == 200 and field_name in response.context["form"].errors, data
    response = send(client, ward_official, letter, to_unit=ward_b.pk, reason="")
    assert "reason" in response.context["form"].errors
    assert not Transfer.objects.exists()
    letter.refresh_from_db()
    assert letter.disposition == ""
    # An unclassified letter cannot be transferred (the letter's rules): the error shows, nothing is saved.
    unclassified = LetterFactory(unit=ward)
    response = send(client, ward_official, unclassified, to_unit=ward_b.pk)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Transfer.objects.exists()


def test_the_committee_above_sends_an_over_level_case_down_to_the_competent_ward(client, city, ward_b, official_b):
    city_official = user_with_role(city, Role.WARD_OFFICIAL)
    case = CaseFactory(unit=city, complainant=CitizenFactory(unit=city, full_name="Lê Văn Cường"))
    client.force_login(city_official)
    response = client.post(
        reverse("cases:case_transfer", args=[case.pk]), {"to_unit": ward_b.pk, "reason": "Vượt cấp, thuộc phường B"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "transferred"
    transfer = Transfer.objects.get(case=case)
    new = transfers.transfer_register(user=official_b, transfer=transfer).registered_letter
    assert (new.unit, new.summary, new.sender.full_name) == (ward_b, case.summary, "Lê Văn Cường")
    html = client.get(case.get_absolute_url()).content.decode()
    assert new.number in html
    # A transferred case is not transferred again.
    with pytest.raises(ValidationError):
        transfers.transfer_case(user=city_official, case=case, to_unit=ward_b, reason="lần nữa")
