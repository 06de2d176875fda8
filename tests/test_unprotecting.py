"""Taking a record out of protection shows its person to everyone from then on (issue #15, "Reclassification
unmasks"): only an official who may see the identity may do it, and it is logged.
The rule: accounts.confidentiality.check_unprotecting; the services of cases and reception call it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import PersonalDataAccess
from accounts.roles import Role
from cases import services
from cases.models import Case, Letter
from citizens import services as reception
from citizens.models import Visit
from tests.factories import CaseFactory, CitizenFactory, ReceptionSessionFactory, VisitFactory, field, user_with_role

NAME = "Khổng Thị Huyền Trân"


@pytest.fixture
def denouncer(ward):
    return CitizenFactory(unit=ward, full_name=NAME, national_id="079184000573")


@pytest.fixture
def keeper(ward):
    """An official of the ward who may see identities."""
    return user_with_role(ward, Role.WARD_OFFICIAL, may_see_identity=True)


def test_a_denunciation_is_not_made_a_complaint_by_an_official_without_the_right(ward, ward_official, denouncer):
    case = CaseFactory(unit=ward, kind="denunciation", complainant=denouncer)
    with pytest.raises(ValidationError) as error:
        services.case_update(user=ward_official, case=case, kind="complaint")
    assert "kind" in error.value.error_dict
    assert Case.objects.get(pk=case.pk).kind == "denunciation"
    assert not PersonalDataAccess.objects.exists()


def test_an_official_with_the_right_may_and_the_unmasking_is_logged(ward, keeper, denouncer):
    case = CaseFactory(unit=ward, kind="denunciation", complainant=denouncer)
    services.case_update(user=keeper, case=case, kind="complaint")
    assert Case.objects.get(pk=case.pk).kind == "complaint"
    logged = PersonalDataAccess.objects.get()
    assert logged.user == keeper and NAME not in logged.record


def test_other_changes_to_a_denunciation_need_no_special_right(ward, ward_official, denouncer):
    case = CaseFactory(unit=ward, kind="denunciation", complainant=denouncer)
    services.case_update(user=ward_official, case=case, respondent="Cán bộ địa chính")
    assert Case.objects.get(pk=case.pk).respondent == "Cán bộ địa chính"


def test_a_denunciation_letter_is_classified_as_something_else_only_with_the_right(
    ward, ward_official, keeper, denouncer
):
    letter = services.letter_receive(
        user=ward_official,
        unit=ward,
        received_on=date(2026, 3, 2),
        channel="post",
        summary="Đơn tố cáo cán bộ",
        sender=denouncer,
        content="denunciation",
        field=field(),
        is_processable=True,
    )
    with pytest.raises(ValidationError) as error:
        services.letter_classify(
            user=ward_official, letter=letter, content="complaint", field=field(), is_processable=True
        )
    assert "content" in error.value.error_dict
    assert Letter.objects.get(pk=letter.pk).content == "denunciation"
    services.letter_classify(user=keeper, letter=letter, content="complaint", field=field(), is_processable=True)
    assert Letter.objects.get(pk=letter.pk).content == "complaint"
    assert PersonalDataAccess.objects.filter(user=keeper).count() == 1


def test_a_denunciation_visit_is_not_made_feedback_by_an_official_without_the_right(ward, ward_official, denouncer):
    session = ReceptionSessionFactory(unit=ward, created_by=ward_official)
    visit = VisitFactory(session=session, citizen=denouncer, content_kind="denunciation", outcome="guided")
    with pytest.raises(ValidationError) as error:
        reception.visit_update(user=ward_official, visit=visit, citizen=denouncer, content_kind="feedback")
    assert "content_kind" in error.value.error_dict
    assert Visit.objects.get(pk=visit.pk).content_kind == "denunciation"
