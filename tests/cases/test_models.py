"""A case's two search texts: what anyone in scope may search, and who brought it (searchable only with the right)."""

import pytest

from cases.models import Case
from tests.factories import CaseFactory, CitizenFactory

pytestmark = pytest.mark.django_db


def test_the_identity_text_holds_the_complainants_and_the_search_text_does_not(ward):
    citizen = CitizenFactory(unit=ward, full_name="Trần Thị Hoà", address="Thôn Đông, xã Đông Anh")
    case = CaseFactory(unit=ward, complainant=citizen, other_complainants="Lê Văn Đức", respondent="UBND xã")
    case.refresh_identity_text()
    assert case.identity_text == "tran thi hoa thon dong, xa dong anh le van duc"
    assert "hoa" not in case.search_text and "ubnd xa" in case.search_text
    case.complainant = None
    case.refresh_identity_text()
    assert case.identity_text == "le van duc"
    assert case.search_text == Case.search_text_for(number=case.number, summary=case.summary, respondent="UBND xã")
