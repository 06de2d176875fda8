"""Imports of party organizations under a commune and of their annual ratings."""

from datetime import date

from imports import service
from imports.importers.organizations import UnitImporter
from imports.models import ImportBatch
from organizations.models import QualityRating, Unit, WeakDossier
from tests.factories import UnitFactory
from tests.imports_helpers import confirm, errors_of, preview, run, xlsx

UNIT_HEADINGS = ["Mã tổ chức", "Tên tổ chức", "Loại", "Mã cấp trên"]


def test_organizations_under_a_commune_with_parents_in_any_order(ward, ward_official):
    rows = [
        ["CB-0102", "Chi bộ 2", "Chi bộ", "DB-01"],
        ["DB-01", "Đảng bộ cơ sở Trường học", "Đảng bộ cơ sở", ""],
        ["CB-0101", "Chi bộ 1", "Chi bộ", "DB-01"],
        ["CB-0999", "Chi bộ lạc", "Chi bộ", "KHONG-CO"],
    ]
    batch = preview(user=ward_official, unit=ward, kind="units", upload=xlsx(UNIT_HEADINGS, rows))
    batch = confirm(batch)
    assert batch.status == ImportBatch.Status.DONE, batch.report
    assert batch.created_count == 3 and errors_of(batch)[0][:2] == (5, UnitImporter().heading("parent_code"))
    grassroots = Unit.objects.get(code="DB-01")
    assert grassroots.parent == ward and grassroots.kind == "grassroots"
    assert set(grassroots.children.values_list("code", flat=True)) == {"CB-0101", "CB-0102"}
    again = preview(user=ward_official, unit=ward, kind="units", upload=xlsx(UNIT_HEADINGS, rows))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    service.batch_void(user=ward_official, batch=batch, reason="Nhầm")
    assert not Unit.objects.current().filter(code__in=["DB-01", "CB-0101", "CB-0102"]).exists()


def test_an_organization_of_another_commune_is_an_error(ward, other_ward, ward_official):
    UnitFactory(code="CB-X", kind="cell", parent=other_ward, name="Chi bộ ngoài")
    batch = preview(
        user=ward_official, unit=ward, kind="units", upload=xlsx(UNIT_HEADINGS, [["CB-X", "Chi bộ", "Chi bộ", ""]])
    )
    assert batch.error_count == 1 and not Unit.objects.filter(code="CB-X", parent=ward).exists()


RATING_HEADINGS = ["Mã tổ chức", "Năm", "Xếp loại", "Điểm", "Lý do"]


def test_ratings_follow_the_rating_rules_and_open_dossiers(ward, other_ward, ward_official):
    UnitFactory(code="CB-1", kind="grassroots", parent=ward, name="Chi bộ 1")
    UnitFactory(code="CB-2", kind="grassroots", parent=ward, name="Chi bộ 2")
    rows = [
        ["CB-1", 2025, "Không hoàn thành nhiệm vụ", 45, "Nội bộ mất đoàn kết"],
        ["CB-2", 2025, "Hoàn thành xuất sắc nhiệm vụ", 75, ""],
        ["CB-2", 2024, "HTTNV", "", ""],
        [other_ward.code, 2024, "HTNV", "", ""],
    ]
    batch = run(user=ward_official, unit=ward, kind="ratings", upload=xlsx(RATING_HEADINGS, rows))
    assert batch.status == ImportBatch.Status.DONE, batch.report
    assert batch.created_count == 2 and [e[0] for e in errors_of(batch)] == [3, 5]
    dossier = WeakDossier.objects.get(unit__code="CB-1", year=2025)
    assert dossier.identified_on == date(2025, 12, 31) and dossier.created_by == ward_official
    assert QualityRating.objects.get(unit__code="CB-2", year=2024).regulation.code == "124-QĐ/TW"
    again = preview(user=ward_official, unit=ward, kind="ratings", upload=xlsx(RATING_HEADINGS, rows))
    assert again.unchanged_count == 2 and again.created_count == 0
    service.batch_void(user=ward_official, batch=batch, reason="Nhầm năm")
    dossier.refresh_from_db()
    assert dossier.is_void and QualityRating.objects.count() == 2
