import pytest

from tests.factories import ReceptionSessionFactory


@pytest.fixture
def session(ward, ward_official):
    return ReceptionSessionFactory(unit=ward, created_by=ward_official)
