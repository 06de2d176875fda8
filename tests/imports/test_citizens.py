"""Imports of the citizens register and of the reception book."""

from datetime import date

from citizens.models import Citizen, ReceptionSession, Visit
from imports import service
from imports.importers.citizens import CitizenImporter
from imports.models import ImportBatch
from tests.factories import CitizenFactory
from tests.imports_helpers import errors_of, preview, run, xlsx

CITIZEN_HEADINGS = ["Họ và tên", "Số CCCD", "Số điện thoại", "Địa chỉ", "Mã đơn vị"]


def test_citizens_are_found_again_by_identity_number(ward, ward_official):
    CitizenFactory(unit=ward, national_id="001090000124", full_name="Trần Thị Bình", address="")
    rows = [
        ["Nguyễn Văn An", "001090000123", "0912345678", "Số 5 phố Đội Cấn", ""],
        ["Trần Thị Bình", "001090000124", "", "Ngõ 12", ""],
        ["Lê Văn Cường", "123", "", "", ""],
        ["Phạm Thị Dung", "001090000125", "12", "", ""],
    ]
    batch = run(user=ward_official, unit=ward, kind="citizens", upload=xlsx(CITIZEN_HEADINGS, rows))
    assert (batch.created_count, batch.updated_count, batch.error_count) == (1, 1, 2)
    assert [number for number, _column, _message in errors_of(batch)] == [4, 5]
    assert Citizen.objects.get(national_id="001090000124").address == "Ngõ 12"
    assert Citizen.objects.get(national_id="001090000123").history.get().history_user == ward_official
    again = preview(user=ward_official, unit=ward, kind="citizens", upload=xlsx(CITIZEN_HEADINGS, rows))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    service.batch_void(user=ward_official, batch=batch, reason="Nhầm")  # citizens stay: they have no void
    assert Citizen.objects.count() == 2


def test_citizens_of_another_unit_are_errors(ward, other_ward, ward_official):
    rows = [["Nguyễn Văn An", "001090000123", "", "", other_ward.code]]
    batch = preview(user=ward_official, unit=ward, kind="citizens", upload=xlsx(CITIZEN_HEADINGS, rows))
    assert batch.error_count == 1 and errors_of(batch)[0][:2] == (2, CitizenImporter().heading("unit_code"))


SESSION_HEADINGS = [
    "Ngày tiếp",
    "Loại buổi tiếp",
    "Địa điểm",
    "Người chủ trì",
    "Số CCCD",
    "Họ và tên",
    "Số người",
    "Nội dung",
    "Lĩnh vực",
    "Kết quả",
    "Tính chất",
]


def test_reception_book_rows_make_sessions_with_their_visits(ward, ward_official):
    known = CitizenFactory(unit=ward, national_id="001090000123")
    rows = [
        [
            "14/03/2024",
            "Định kỳ",
            "Trụ sở",
            "Bí thư",
            "001090000123",
            "Nguyễn Văn An",
            1,
            "Đất đai",
            "Đất đai",
            "Hướng dẫn",
            "",
        ],
        [
            "14/03/2024",
            "Định kỳ",
            "Trụ sở",
            "Bí thư",
            "",
            "Trần Thị Bình",
            6,
            "Đền bù",
            "Đất đai",
            "Nhận đơn",
            "Khiếu nại",
        ],
        [
            "15/03/2024",
            "Thường xuyên",
            "Trụ sở",
            "Cán bộ",
            "",
            "Trần Thị Bình",
            1,
            "Hỏi lại",
            "Đất đai",
            "Hướng dẫn",
            "",
        ],
        ["16/03/2024", "Thường xuyên", "Trụ sở", "Cán bộ", "", "Lê Văn Cường", 1, "Nội dung", "Đất đai", "Chuyển", ""],
    ]
    batch = run(user=ward_official, unit=ward, kind="sessions", upload=xlsx(SESSION_HEADINGS, rows))
    assert batch.status == ImportBatch.Status.DONE, batch.report
    assert batch.error_count == 1 and errors_of(batch)[0][0] == 5  # transferred without saying where
    assert ReceptionSession.objects.count() == 2 and Visit.objects.count() == 3
    first = ReceptionSession.objects.get(starts_at__date=date(2024, 3, 14))
    assert first.visits.count() == 2 and first.number == "1/2024"
    delegation = Visit.objects.get(people_count=6)
    assert delegation.is_mass_delegation and not hasattr(delegation, "opened_case")
    assert Visit.objects.get(content="Hỏi lại").is_repeat
    assert Visit.objects.get(citizen=known).created_by == ward_official
    again = preview(user=ward_official, unit=ward, kind="sessions", upload=xlsx(SESSION_HEADINGS, rows))
    assert (again.created_count, again.unchanged_count) == (0, 3)
    service.batch_void(user=ward_official, batch=batch, reason="Nhầm sổ")
    assert all(ReceptionSession.objects.values_list("is_void", flat=True))
    assert all(Visit.objects.values_list("is_void", flat=True))
