"""Hanoi's real unit tree as shipped in organizations/data/hanoi_units.json."""

from collections import Counter

import pytest

from organizations.choices import UnitKind
from organizations.models import Unit, UnitSuccession
from organizations.units_loader import LEGACY_END, load_hanoi_units


@pytest.fixture
def hanoi(db):
    load_hanoi_units()


def test_today_hanoi_has_126_communes_and_wards_directly_under_the_city(hanoi):
    current = Unit.objects.current().filter(kind=UnitKind.COMMUNE)
    assert current.count() == 126
    assert Counter(current.values_list("division_type", flat=True)) == {"phường": 51, "xã": 75}
    city = Unit.objects.get(parent__isnull=True)
    assert city.name == "Thành phố Hà Nội" and city.code == "01"
    assert set(current.values_list("parent_id", flat=True)) == {city.pk}


def test_legacy_tree_has_30_districts_over_526_communes(hanoi):
    districts = Unit.objects.filter(kind=UnitKind.DISTRICT, valid_to=LEGACY_END)
    assert Counter(districts.values_list("division_type", flat=True)) == {"quận": 12, "huyện": 17, "thị xã": 1}
    legacy_wards = Unit.objects.filter(kind=UnitKind.COMMUNE, valid_to=LEGACY_END)
    assert legacy_wards.count() == 526
    assert set(legacy_wards.values_list("parent__kind", flat=True)) == {UnitKind.DISTRICT}


def test_every_legacy_commune_is_mapped_to_a_current_successor(hanoi):
    legacy_wards = Unit.objects.filter(kind=UnitKind.COMMUNE, valid_to=LEGACY_END)
    mapped = set(UnitSuccession.objects.values_list("predecessor_id", flat=True))
    assert set(legacy_wards.values_list("pk", flat=True)) == mapped
    successors = Unit.objects.filter(pk__in=UnitSuccession.objects.values("successor_id"))
    assert successors.count() == 126
    assert not successors.filter(valid_to__isnull=False).exists()


def test_a_known_merger_is_recorded(hanoi):
    ba_dinh = Unit.objects.get(code="00004", valid_to__isnull=True)
    assert ba_dinh.name == "Phường Ba Đình"
    former = set(ba_dinh.predecessor_links.values_list("predecessor__name", flat=True))
    assert {"Phường Quán Thánh", "Phường Trúc Bạch"} <= former


def test_loading_twice_changes_nothing(hanoi):
    before = (Unit.objects.count(), UnitSuccession.objects.count(), Unit.history.count())
    result = load_hanoi_units()
    assert (result.created, result.updated, result.successions_created) == (0, 0, 0)
    assert (Unit.objects.count(), UnitSuccession.objects.count(), Unit.history.count()) == before
