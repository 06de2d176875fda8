"""A letter received at a reception visit becomes a letter and a case in the same transaction (cases.intake)."""

import pytest
from django.core.exceptions import ValidationError

from cases.intake import intake_visit_record, intake_visit_update
from cases.models import Case, Letter
from citizens import services as reception
from citizens.models import Visit
from tests.factories import CitizenFactory, ReceptionSessionFactory, field

NEW_CITIZEN = {"full_name": "Trần Thị Bình", "national_id": "001190000123", "phone": "", "address": "Số 3 Liễu Giai"}


@pytest.fixture
def session(ward, ward_official):
    return ReceptionSessionFactory(unit=ward, created_by=ward_official)


def visit_fields(**overrides):
    return {"people_count": 1, "content": "Đề nghị cấp sổ đỏ", "field": field(), "outcome": "guided", **overrides}


def test_a_letter_received_opens_a_case_linked_both_ways(session, ward_official):
    visit, _case = intake_visit_record(
        user=ward_official,
        session=session,
        new_citizen=NEW_CITIZEN,
        **visit_fields(outcome="letter_received", content_kind="denunciation", people_count=2),
    )
    case = Case.objects.get()
    assert case.source_visit == visit and visit.opened_case == case
    assert (case.unit, case.kind, case.channel, case.people_count) == (session.unit, "denunciation", "reception", 2)
    assert case.complainant == visit.citizen
    assert case.summary == visit.content


def test_a_visit_that_opened_a_case_cannot_lose_it(session, ward_official):
    visit, _case = intake_visit_record(
        user=ward_official,
        session=session,
        citizen=CitizenFactory(unit=session.unit),
        **visit_fields(outcome="letter_received", content_kind="complaint"),
    )
    with pytest.raises(ValidationError):
        intake_visit_update(user=ward_official, visit=visit, citizen=visit.citizen, **visit_fields())
    with pytest.raises(ValidationError):
        reception.visit_void(user=ward_official, visit=visit, reason="nhầm")


def test_a_visit_changed_to_letter_received_opens_its_case_then(session, ward_official):
    visit, case = intake_visit_record(user=ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields())
    assert case is None and not Case.objects.exists()
    visit, case = intake_visit_update(
        user=ward_official,
        visit=visit,
        citizen=visit.citizen,
        **visit_fields(outcome="letter_received", content_kind="complaint"),
    )
    assert case is not None and case.source_visit == visit
    assert Letter.objects.filter(source_visit=visit, case=case).count() == 1


def test_editing_an_imported_visit_with_a_letter_opens_no_second_case(session, ward_official):
    """An imported reception book brings visits with "letter received" but no case (the cases register brings
    those): correcting a typo in such a visit must not open a letter and a case behind the official's back."""
    citizen = CitizenFactory(unit=session.unit)
    imported = Visit.objects.create(
        session=session,
        citizen=citizen,
        created_by=ward_official,
        **visit_fields(outcome="letter_received", content_kind="complaint"),
    )
    visit, case = intake_visit_update(
        user=ward_official,
        visit=imported,
        citizen=citizen,
        **visit_fields(outcome="letter_received", content_kind="complaint", content="Đề nghị cấp sổ đỏ (sửa lỗi)"),
    )
    assert case is None
    assert not Case.objects.exists() and not Letter.objects.exists()
    assert Visit.objects.get(pk=visit.pk).content.endswith("(sửa lỗi)")


def test_the_nature_of_a_visit_that_opened_a_case_is_changed_on_the_case(session, ward_official):
    visit, _case = intake_visit_record(
        user=ward_official,
        session=session,
        new_citizen=NEW_CITIZEN,
        **visit_fields(outcome="letter_received", content_kind="denunciation"),
    )
    with pytest.raises(ValidationError) as error:
        intake_visit_update(
            user=ward_official,
            visit=visit,
            citizen=visit.citizen,
            **visit_fields(outcome="letter_received", content_kind="feedback"),
        )
    assert "content_kind" in error.value.error_dict
    assert Visit.objects.get(pk=visit.pk).content_kind == "denunciation"
