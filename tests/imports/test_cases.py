"""Imports of the cases and letters registers: rules as typed, the 10,000-case workbook, re-runs, scope, failure."""

import time
from datetime import date

import pytest
from django.db import OperationalError

from cases.deadlines import DeadlinePlanner
from cases.models import Case, CaseDeadline, CaseDesignation, CaseEvent, Letter
from core.models import NumberSequence
from imports import service
from imports.importers.cases import CaseImporter
from imports.models import ImportBatch, ImportedRecord
from tests.factories import CaseFactory, CitizenFactory
from tests.imports_helpers import errors_of, preview, run, xlsx

HEADINGS = [
    "Số vụ việc",
    "Mã đơn vị",
    "Ngày nhận",
    "Loại vụ việc",
    "Lĩnh vực",
    "Nguồn",
    "Nội dung",
    "Số CCCD",
    "Trạng thái",
    "Ngày thụ lý",
]


def row(number, received="05/03/2024", kind="Khiếu nại", summary="Khiếu nại thu hồi đất", **extra):
    values = {
        "unit": "",
        "field": "Đất đai",
        "channel": "Tiếp công dân",
        "cccd": None,
        "status": None,
        "accepted": None,
    } | extra
    return [
        number,
        values["unit"],
        received,
        kind,
        values["field"],
        values["channel"],
        summary,
        values["cccd"],
        values["status"],
        values["accepted"],
    ]


def test_cases_import_with_deadlines_numbering_and_history(ward, ward_official):
    citizen = CitizenFactory(unit=ward, national_id="001090000123")
    upload = xlsx(
        HEADINGS,
        [
            row("1/2024", cccd="001090000123", status="Đã thụ lý", accepted="12/03/2024"),
            row("7/2024", received=date(2024, 3, 6), kind="TC", field="dat-dai", channel="Bưu điện"),
        ],
    )
    batch = run(user=ward_official, unit=ward, kind="cases", upload=upload)
    assert batch.status == ImportBatch.Status.DONE, batch.error or batch.report
    assert (batch.created_count, batch.records.count()) == (2, 2)
    case = Case.objects.get(unit=ward, number="1/2024")
    assert case.complainant == citizen and case.status == "accepted"
    assert case.history.get().history_user == ward_official
    resolve = CaseDeadline.objects.get(case=case, step="resolve")
    planner = DeadlinePlanner()
    rule = planner.rule(step="resolve", case=case, on=date(2024, 3, 12))
    assert resolve.rule == rule and resolve.due_on == planner.due(rule=rule, counted_from=date(2024, 3, 12))
    assert CaseDeadline.objects.get(case=case, step="complaint_accept").met_on == date(2024, 3, 12)
    assert case.due_on == resolve.due_on
    assert CaseEvent.objects.filter(case=case, kind="created", user=ward_official).exists()
    search_text, identity_text = case.search_text, case.identity_text
    case.save()
    assert case.search_text == search_text and "nguyen van an" in identity_text
    assert Case.objects.get(unit=ward, number="7/2024").deadlines.get().step == "denunciation_initial"
    # The register's running number moved past the imported numbers: the next case typed in gets 8/2024.
    assert NumberSequence.objects.get(unit=ward, register="case", year=2024).last_value == 7


def test_case_rules_name_row_and_column(ward, ward_official):
    upload = xlsx(
        HEADINGS,
        [
            row("1/2024", received="31/02/2024"),
            row("2/2024", kind="Kiện tụng"),
            row("3/2024", status="Đã thụ lý"),
            row("4/2024", cccd="001090009999"),
            row("4/2024"),
        ],
    )
    batch = preview(user=ward_official, unit=ward, kind="cases", upload=upload)
    heading = CaseImporter().heading
    errors = {(number, column) for number, column, _message in errors_of(batch)}
    assert errors == {
        (2, heading("received_on")),
        (3, heading("kind")),
        (4, heading("accepted_on")),
        (5, heading("complainant_id")),
        (6, heading("number")),
    }
    assert heading("received_on") == "Ngày tiếp nhận"  # the Vietnamese heading of the template
    messages = {number: message for number, _column, message in errors_of(batch)}
    assert "31/02/2024" in messages[2]
    assert batch.error_count == 5 and batch.created_count == 0
    assert not Case.objects.exists()


def test_flags_and_a_concluded_case_are_recorded_as_past_facts(ward, ward_official):
    upload = xlsx(
        [
            "Số",
            "Ngày nhận",
            "Loại",
            "Lĩnh vực",
            "Nguồn",
            "Nội dung",
            "Trạng thái",
            "Ngày thụ lý",
            "Ngày kết luận",
            "Kết quả",
            "Điểm nóng",
        ],
        [
            [
                "3/2023",
                "2/1/23",
                "Khiếu nại",
                "Đất đai",
                "Bưu điện",
                "Nội dung",
                "Đã kết luận",
                "10/01/2023",
                45000,
                "Đúng một phần",
                "x",
            ]
        ],
    )
    batch = run(user=ward_official, unit=ward, kind="cases", upload=upload)
    assert batch.status == ImportBatch.Status.DONE, batch.report
    case = Case.objects.get(number="3/2023")
    assert case.received_on == date(2023, 1, 2) and case.concluded_on == date(2023, 3, 15)
    assert case.outcome == "partly_right" and case.is_hot_spot and case.due_on is None
    assert CaseDesignation.objects.get(case=case).kind == "hot_spot"


def test_existing_case_status_is_not_changed_by_import_but_particulars_are(ward, ward_official):
    CaseFactory(unit=ward, number="5/2024", received_on=date(2024, 3, 5), created_by=ward_official)
    same = row("5/2024", summary="Khiếu nại quyết định thu hồi đất", channel="Bưu điện")
    batch = preview(user=ward_official, unit=ward, kind="cases", upload=xlsx(HEADINGS, [same]))
    assert batch.unchanged_count == 1, batch.report
    changed = row("5/2024", summary="Nội dung đã sửa", channel="Bưu điện")
    batch = run(user=ward_official, unit=ward, kind="cases", upload=xlsx(HEADINGS, [changed]))
    assert batch.updated_count == 1
    assert Case.objects.get(number="5/2024").summary == "Nội dung đã sửa"
    moved = row("5/2024", status="Đã thụ lý", accepted="06/03/2024", channel="Bưu điện")
    batch = preview(user=ward_official, unit=ward, kind="cases", upload=xlsx(HEADINGS, [moved]))
    assert batch.error_count == 1 and {column for _n, column, _m in errors_of(batch)} >= {"Trạng thái"}


def test_rows_of_another_unit_are_errors(ward, other_ward, ward_official):
    upload = xlsx(HEADINGS, [row("1/2024", unit=other_ward.code), row("2/2024", unit="00000")])
    batch = preview(user=ward_official, unit=ward, kind="cases", upload=upload)
    assert [number for number, _c, _m in errors_of(batch)] == [2, 3]
    assert other_ward.name in errors_of(batch)[0][2] or other_ward.code in errors_of(batch)[0][2]


def test_a_failure_half_way_leaves_nothing_behind(ward, ward_official, monkeypatch):
    batch = preview(
        user=ward_official, unit=ward, kind="cases", upload=xlsx(HEADINGS, [row(f"{n}/2024") for n in range(1, 30)])
    )

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CaseDeadline.objects, "bulk_create", database_gone)
    service.batch_confirm(user=ward_official, batch=batch)
    service.batch_import(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "nothing was written" in batch.error or "không" in batch.error
    assert not Case.objects.exists() and not CaseEvent.objects.exists() and not ImportedRecord.objects.exists()
    assert not NumberSequence.objects.filter(register="case").exists()
    monkeypatch.undo()
    service.batch_confirm(user=ward_official, batch=batch)  # the user confirms again: it goes through
    service.batch_import(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and Case.objects.count() == 29


def test_the_registers_changed_since_the_preview(ward, ward_official):
    batch = preview(user=ward_official, unit=ward, kind="cases", upload=xlsx(HEADINGS, [row("1/2024"), row("2/2024")]))
    CaseFactory(unit=ward, number="2/2024", kind="denunciation", created_by=ward_official)
    service.batch_confirm(user=ward_official, batch=batch)
    service.batch_import(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.error
    assert Case.objects.count() == 1 and batch.error_count == 1


def test_voiding_an_import_voids_its_cases(ward, ward_official):
    batch = run(user=ward_official, unit=ward, kind="cases", upload=xlsx(HEADINGS, [row("1/2024"), row("2/2024")]))
    service.batch_void(user=ward_official, batch=batch, reason="Nhập nhầm tệp")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VOIDED
    assert set(Case.objects.values_list("is_void", "void_reason")) == {(True, "Nhập nhầm tệp")}
    assert CaseEvent.objects.filter(kind="voided").count() == 2
    assert Case.objects.first().history.first().history_user == ward_official
    again = preview(user=ward_official, unit=ward, kind="cases", upload=xlsx(HEADINGS, [row("1/2024")]))
    assert again.error_count == 1


BROKEN = {
    1200: ("Ngày nhận", lambda r: r.__setitem__(2, "32/13/2024")),
    2500: ("Loại vụ việc", lambda r: r.__setitem__(3, "Không rõ")),
    3100: ("Nội dung", lambda r: r.__setitem__(6, None)),
    4200: ("Mã đơn vị", lambda r: r.__setitem__(1, "OTHER")),
    5300: ("Ngày thụ lý", lambda r: r.__setitem__(8, "Đã thụ lý")),
    6400: ("Số CCCD", lambda r: r.__setitem__(7, "001090999999")),
    7500: ("Số vụ việc", lambda r: r.__setitem__(0, "7499/2024")),
}


def test_ten_thousand_cases_preview_import_and_rerun(ward, other_ward, ward_official, capsys):
    other_ward.code = "OTHER"
    other_ward.save()
    CitizenFactory(unit=ward, national_id="001090000123")
    rows = []
    for index in range(1, 10_001):
        cells = row(f"{index}/2024", received=45000 + index % 300, cccd="001090000123" if index % 7 == 0 else None)
        if index in BROKEN:
            BROKEN[index][1](cells)
        rows.append(cells)
    upload = xlsx(HEADINGS, rows, name="so-vu-viec.xlsx")
    started = time.monotonic()
    batch = preview(user=ward_official, unit=ward, kind="cases", upload=upload)
    previewed = time.monotonic() - started
    expected_rows = sorted(index + 1 for index in BROKEN)  # the heading is row 1
    assert batch.report["error_rows"] == expected_rows
    assert batch.error_count == 7 and batch.created_count == 9993
    assert not Case.objects.exists()
    started = time.monotonic()
    service.batch_confirm(user=ward_official, batch=batch)
    service.batch_import(batch_id=batch.pk)
    imported = time.monotonic() - started
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE, batch.error
    assert Case.objects.count() == 9993 and batch.records.count() == 9993
    upload.seek(0)
    started = time.monotonic()
    again = preview(user=ward_official, unit=ward, kind="cases", upload=upload)
    rerun = time.monotonic() - started
    assert (again.created_count, again.updated_count, again.unchanged_count, again.error_count) == (0, 0, 9993, 7)
    assert not service.can_confirm(again)
    assert Case.objects.count() == 9993
    with capsys.disabled():
        print(f"\n10,000 cases: preview {previewed:.1f} s, import {imported:.1f} s, re-run preview {rerun:.1f} s")


@pytest.mark.parametrize("disposition", ["Thụ lý", "Lưu đơn"])
def test_letters_import(ward, ward_official, disposition):
    CaseFactory(unit=ward, number="15/2024", created_by=ward_official)
    upload = xlsx(
        [
            "Số đơn",
            "Ngày nhận",
            "Nguồn",
            "Nặc danh",
            "Nội dung",
            "Phân loại",
            "Lĩnh vực",
            "Đủ điều kiện xử lý",
            "Hướng xử lý",
            "Ngày xử lý",
            "Lý do lưu đơn",
            "Số vụ việc",
        ],
        [
            [
                "27/2024",
                "04/03/2024",
                "Bưu điện",
                "x",
                "Tố cáo cán bộ địa chính",
                "Tố cáo",
                "Đất đai",
                "có",
                disposition,
                "08/03/2024",
                "Trùng lặp" if disposition == "Lưu đơn" else "",
                "15/2024" if disposition == "Thụ lý" else "",
            ]
        ],
    )
    batch = run(user=ward_official, unit=ward, kind="letters", upload=upload)
    assert batch.status == ImportBatch.Status.DONE, batch.report
    letter = Letter.objects.get(number="27/2024")
    assert letter.search_text and letter.history.get().history_user == ward_official
    if disposition == "Lưu đơn":
        assert letter.retain_until == date(2025, 3, 8) and letter.case is None
    else:
        assert letter.case.number == "15/2024"
    upload.seek(0)
    assert preview(user=ward_official, unit=ward, kind="letters", upload=upload).unchanged_count == 1
    service.batch_void(user=ward_official, batch=batch, reason="Nhầm")
    assert Letter.objects.get().is_void


def test_an_anonymous_complaint_letter_cannot_become_a_case(ward, ward_official):
    upload = xlsx(
        [
            "Số đơn",
            "Ngày nhận",
            "Nguồn",
            "Nặc danh",
            "Nội dung",
            "Phân loại",
            "Lĩnh vực",
            "Đủ điều kiện xử lý",
            "Hướng xử lý",
            "Ngày xử lý",
            "Số vụ việc",
        ],
        [
            [
                "1/2024",
                "04/03/2024",
                "Bưu điện",
                "có",
                "Nội dung",
                "Khiếu nại",
                "Đất đai",
                "có",
                "Thụ lý",
                "08/03/2024",
                "9/2024",
            ]
        ],
    )
    batch = preview(user=ward_official, unit=ward, kind="letters", upload=upload)
    assert batch.error_count == 1 and not Letter.objects.exists()
