"""The citizen's search text: one formula, and the same-name-and-address look-up that reads it."""

import pytest

from citizens.models import Citizen
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def test_a_citizen_is_found_by_name_and_address_whatever_the_accents_and_spacing(ward):
    an = CitizenFactory(unit=ward, full_name="Nguyễn Văn An", national_id="", address="Số 5 phố Đội Cấn")
    CitizenFactory(unit=ward, full_name="Nguyễn Văn An", national_id="", address="Số 7 phố Đội Cấn")
    CitizenFactory(unit=ward, full_name="Nguyễn Văn Anh", national_id="", address="Số 5 phố Đội Cấn")
    assert an.search_text == Citizen.search_text_for(
        full_name="nguyen van an", national_id="", phone="", address="so 5 pho doi can"
    )
    found = Citizen.objects.filter(Citizen.same_name_and_address("NGUYEN  van An", "số 5 Phố đội cấn"))
    assert list(found) == [an]
    assert not Citizen.objects.filter(Citizen.same_name_and_address("Nguyễn Văn An", "")).exists()
