"""The DOCX report and the XLSX annex, built from a hand-made figures snapshot (no compilation)."""

import io
import re
import struct
import zlib
from datetime import UTC, date, datetime
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from organizations.choices import UnitKind
from reports.catalogue import CATALOGUE
from reports.choices import PeriodKind, ReportStatus
from reports.exports import (
    bar_chart_png,
    committee,
    place_and_date,
    report_docx,
    report_xlsx,
    vn_number,
)
from reports.models import Report
from tests.factories import UnitFactory, UserFactory

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _figures(unit) -> dict:
    """Every row of every section (value 10, previous 8), with a few rows set to recognisable numbers."""
    special: dict[tuple[str, str], dict[str, Any]] = {
        ("reception", "sessions"): {"value": 1234, "previous": 1100, "diff": 134, "pct": 12.2},
        ("cases", "resolution_rate"): {"value": 85.3, "previous": 82.1, "diff": 3.2, "pct": 3.9},
        ("letters", "received"): {"value": 57, "previous": 0, "diff": 57, "pct": None},
    }
    sections = [
        {
            "code": section.code,
            "title": str(section.title),
            "rows": [
                {
                    "code": figure.code,
                    "label": str(figure.label),
                    "definition": str(figure.definition),
                    "basis": figure.basis,
                    **special.get((section.code, figure.code), {"value": 10, "previous": 8, "diff": 2, "pct": 25.0}),
                }
                for figure in section.figures
            ],
        }
        for section in CATALOGUE
    ]
    return {
        "unit": {"id": unit.pk, "name": unit.name},
        "period": {
            "start": "2025-12-15",
            "end": "2026-06-14",
            "previous_start": "2024-12-15",
            "previous_end": "2025-06-14",
        },
        "sections": sections,
        "by_unit": [
            {
                "unit": "Chi bộ Tổ dân phố số 1",
                "sessions": 7,
                "visits": 21,
                "letters": 4,
                "cases_new": 3,
                "cases_resolved": 2,
                "weak_at_end": 1,
            },
            {
                "unit": "Đảng bộ Công an phường",
                "sessions": 5,
                "visits": 9,
                "letters": 2,
                "cases_new": 1,
                "cases_resolved": 1,
                "weak_at_end": 0,
            },
        ],
        "by_field": [
            {"label": "Đất đai", "value": 42, "previous": 30, "diff": 12, "pct": 40.0},
            {"label": "Nhà ở", "value": 5, "previous": 0, "diff": 5, "pct": None},
        ],
        "by_month": [
            {"label": "12/2025", "value": 3},
            {"label": "01/2026", "value": 11},
            {"label": "02/2026", "value": 0},
            {"label": "03/2026", "value": 7},
            {"label": "04/2026", "value": 9},
            {"label": "05/2026", "value": 6},
            {"label": "06/2026", "value": 2},
        ],
    }


@pytest.fixture
def hanoi(db):
    return UnitFactory(name="Thành phố Hà Nội", kind=UnitKind.CITY, division_type="thành phố", parent=None)


@pytest.fixture
def ba_dinh(hanoi):
    return UnitFactory(name="Phường Ba Đình", parent=hanoi)


def _report(unit, **kwargs) -> Report:
    fields = {
        "unit": unit,
        "period_kind": PeriodKind.HALF_YEAR,
        "year": 2026,
        "start": date(2025, 12, 15),
        "end": date(2026, 6, 14),
        "status": ReportStatus.DONE,
        "figures": _figures(unit),
        # 10:30 UTC is 17:30 in Hanoi.
        "data_cutoff": datetime(2026, 6, 20, 10, 30, tzinfo=UTC),
        "requested_by": UserFactory(),
    }
    return Report.objects.create(**(fields | kwargs))


@pytest.fixture
def report(ba_dinh):
    return _report(ba_dinh)


def _docx(report, **kwargs):
    return Document(io.BytesIO(report_docx(report, **kwargs)))


def _table_texts(table) -> list[str]:
    return [cell.text for row in table.rows for cell in row.cells]


def _all_text(document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(_table_texts(table))
    return "\n".join(parts)


def test_vn_number_uses_dots_for_thousands_and_commas_for_decimals():
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(11.1) == "11,1"
    assert vn_number(1234.5) == "1.234,5"
    assert vn_number(12.0) == "12"
    assert vn_number(3, signed=True) == "+3"
    assert vn_number(-3.5, signed=True) == "-3,5"
    assert vn_number(None) == ""


def test_place_and_date_pads_days_below_ten_and_january_february():
    assert place_and_date(date(2026, 6, 20)) == "Hà Nội, ngày 20 tháng 6 năm 2026"
    assert place_and_date(date(2026, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2026"
    assert place_and_date(None).startswith("Hà Nội, ngày ")


def test_committee_is_named_from_the_administrative_name():
    assert committee("Phường Ba Đình") == ("Đảng ủy phường Ba Đình", "ĐU")
    assert committee("Xã Sóc Sơn") == ("Đảng ủy xã Sóc Sơn", "ĐU")
    assert committee("Thành phố Hà Nội") == ("Thành ủy Hà Nội", "TU")
    assert committee("Huyện Ba Vì") == ("Huyện ủy Ba Vì", "HU")


def test_report_docx_has_the_party_header(report):
    document = _docx(report)
    header = _table_texts(document.tables[0])
    left, right = header
    assert "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI" in left
    assert "ĐẢNG ỦY PHƯỜNG BA ĐÌNH" in left
    assert "*" in left
    assert "-BC/ĐU" in left
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in right
    assert "Ba Đình, ngày 20 tháng 6 năm 2026" in right
    title_cell = document.tables[0].rows[0].cells[1].paragraphs[0].runs[0]
    assert title_cell.bold and title_cell.underline
    date_run = document.tables[0].rows[0].cells[1].paragraphs[1].runs[0]
    assert date_run.italic


def test_report_docx_dates_the_report_in_hanoi_time(ba_dinh):
    # 20:00 UTC on the 19th is already the 20th in Hanoi.
    report = _report(ba_dinh, data_cutoff=datetime(2026, 6, 19, 20, 0, tzinfo=UTC))
    document = _docx(report)
    assert "Ba Đình, ngày 20 tháng 6 năm 2026" in _table_texts(document.tables[0])[1]
    assert "tính đến 03:00 ngày 20/06/2026" in _all_text(document)


def test_city_report_is_issued_by_the_city_committee(hanoi):
    report = _report(hanoi)
    left = _table_texts(_docx(report).tables[0])[0]
    assert left.splitlines()[0] == "THÀNH ỦY HÀ NỘI"
    assert "-BC/TU" in left


def test_report_docx_is_a4_in_times_new_roman_14(report):
    document = _docx(report)
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    assert round(section.top_margin.cm, 1) == 2.0
    assert round(section.bottom_margin.cm, 1) == 2.0
    assert round(section.left_margin.cm, 1) == 3.0
    assert 1.5 <= round(section.right_margin.cm, 1) <= 2.0
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14
    fonts = normal.element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "Times New Roman"


def test_report_docx_states_the_title_and_data_period(report):
    text = _all_text(_docx(report))
    assert "BÁO CÁO" in text
    assert (
        "Sơ kết 6 tháng đầu năm 2026 công tác củng cố tổ chức cơ sở đảng yếu kém và công tác tiếp công dân, "
        "giải quyết khiếu nại, tố cáo"
    ) in text
    assert "(Số liệu từ 15/12/2025 đến 14/06/2026, tính đến 17:30 ngày 20/06/2026)" in text


def test_report_docx_puts_the_figures_in_tables_and_prose(report):
    document = _docx(report)
    cells = [text for table in document.tables[1:] for text in _table_texts(table)]
    assert {"TT", "Chỉ tiêu", "Kỳ này", "Cùng kỳ năm trước", "Tăng/giảm", "Tỷ lệ (%)"} <= set(cells)
    assert "1.234" in cells and "1.100" in cells and "+134" in cells and "+12,2" in cells
    assert "85,3" in cells  # the resolution rate keeps its decimal
    assert "Đất đai" in cells and "42" in cells  # by field
    assert "Chi bộ Tổ dân phố số 1" in cells and "Cộng" in cells  # by unit, with the total
    text = _all_text(document)
    assert "tổ chức 1.234 buổi tiếp công dân (tăng 134 buổi, 12,2% so với cùng kỳ năm trước)" in text
    assert "tiếp nhận 57 đơn (cùng kỳ năm trước không có đơn nào)" in text
    assert "đạt tỷ lệ 85,3% (tăng 3,2 điểm phần trăm so với cùng kỳ năm trước)" in text


def test_report_docx_prose_uses_only_codes_the_figures_have(report):
    # A code renamed in reports.catalogue.CATALOGUE but not here would print "…" in the prose.
    prose = [paragraph.text for paragraph in _docx(report).paragraphs if not paragraph.text.startswith("(")]
    assert not [text for text in prose if "…" in text]


def test_report_docx_has_the_narrative_skeleton_and_signature(report):
    text = _all_text(_docx(report))
    for heading in (
        "I. KẾT QUẢ THỰC HIỆN",
        "II. ĐÁNH GIÁ CHUNG",
        "1. Ưu điểm",
        "2. Hạn chế, nguyên nhân",
        "III. NHIỆM VỤ, GIẢI PHÁP 6 THÁNG CUỐI NĂM 2026",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
        "(Cấp ủy bổ sung",
        "Nơi nhận:",
        "- Thành ủy Hà Nội (để báo cáo),",
        "T/M BAN THƯỜNG VỤ",
        "BÍ THƯ",
    ):
        assert heading in text


def test_report_docx_state_format_has_the_national_motto(report):
    document = _docx(report, state_format=True)
    left, right = _table_texts(document.tables[0])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
    assert "Ba Đình, ngày 20 tháng 6 năm 2026" in right
    assert "ỦY BAN NHÂN DÂN" in left and "PHƯỜNG BA ĐÌNH" in left
    assert "/BC-UBND" in left
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in _all_text(document)
    assert "TM. ỦY BAN NHÂN DÂN" in _all_text(document)


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, offset = [], len(PNG_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append((kind, body))
        offset += 12 + length
    return chunks


def test_report_docx_embeds_the_monthly_chart_as_a_valid_png(report):
    document = _docx(report)
    images = [part.blob for part in document.part.related_parts.values() if part.content_type == "image/png"]
    assert len(images) == 1
    png = images[0]
    assert png.startswith(PNG_SIGNATURE)
    chunks = _png_chunks(png)
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour_type = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (depth, colour_type) == (8, 2)
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert len(pixels) == height * (1 + width * 3)
    text = _all_text(document)
    assert "Biểu đồ: số vụ việc tiếp nhận theo tháng" in text
    assert "01/2026" in text


def test_bar_chart_png_draws_taller_bars_for_larger_values():
    width, height = 200, 100
    png = bar_chart_png([1, 4], width=width, height=height)
    chunks = _png_chunks(png)
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = 1 + width * 3

    def is_white(x, y):
        start = y * stride + 1 + x * 3
        return pixels[start : start + 3] == b"\xff\xff\xff"

    middle_row = height // 2
    assert is_white(50, middle_row)  # the small bar stops below the middle
    assert not is_white(150, middle_row)  # the large one reaches above it
    assert not is_white(50, height - 10)
    assert is_white(0, height - 10)  # gaps between bars


def test_report_docx_copes_with_a_thin_snapshot(ba_dinh):
    figures = {
        "unit": {"id": ba_dinh.pk, "name": ba_dinh.name},
        "period": {"start": "2025-12-15", "end": "2026-06-14"},
        "sections": [
            {
                "code": "reception",
                "title": "Tiếp công dân",
                "rows": [{"code": "sessions", "label": "Buổi tiếp", "value": 3, "previous": 0, "diff": 3, "pct": None}],
            }
        ],
        "by_unit": [],
        "by_field": [],
        "by_month": [],
    }
    report = _report(ba_dinh, figures=figures, period_kind=PeriodKind.YEAR, data_cutoff=None)
    text = _all_text(_docx(report))
    assert "Tổng kết năm 2026" in text
    assert "tiếp … lượt" in text  # a figure the snapshot lacks is left for the committee
    assert "Trong kỳ không tiếp nhận vụ việc nào." in text
    assert "III. NHIỆM VỤ, GIẢI PHÁP NĂM 2027" in text
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    assert workbook["G. Theo tháng"]._charts == []


SHEETS = [
    "A. TCCSĐ yếu kém",
    "B. Tiếp công dân",
    "C. Xử lý đơn",
    "D. Giải quyết vụ việc",
    "E. Theo đơn vị",
    "F. Theo lĩnh vực",
    "G. Theo tháng",
    "H. Giải quyết theo lĩnh vực",
    "I. Giải thích chỉ tiêu",
]


def test_report_xlsx_explains_every_figure_with_its_definition_and_basis(report):
    sheet = load_workbook(io.BytesIO(report_xlsx(report)))["I. Giải thích chỉ tiêu"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert len(rows) == sum(len(section.figures) for section in CATALOGUE)
    carried = [row for row in rows if row[1].startswith("Vụ việc kỳ trước chuyển sang")]
    assert len(carried) == 1 and "chưa được thụ lý" in carried[0][2]
    assert any(row[3] == "Thông tư 05/2021/TT-TTCP" for row in rows)


def test_report_xlsx_has_a_sheet_per_table_stating_the_period(report):
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    assert workbook.sheetnames == SHEETS
    for sheet in workbook.worksheets:
        assert "Phường Ba Đình" in sheet["A1"].value
        assert sheet["A1"].font.bold
        assert sheet["A2"].value == (
            "Số liệu từ 15/12/2025 đến 14/06/2026 (cùng kỳ: 15/12/2024 – 14/06/2025); dữ liệu đến 17:30 20/06/2026"
        )
        assert sheet["A3"].value == "TT"


def test_report_xlsx_keeps_numbers_as_numbers(report):
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    reception = workbook["B. Tiếp công dân"]
    assert [cell.value for cell in reception[3]] == [
        "TT",
        "Chỉ tiêu",
        "Kỳ này",
        "Cùng kỳ năm trước",
        "Tăng/giảm",
        "Tỷ lệ (%)",
    ]
    # Sessions are the sum of their kinds; the change and the per cent are formulas (LibreOffice recalculates them
    # in tests/reports/test_figures.py); the other figures are numbers.
    assert [cell.value for cell in reception[4]][2:] == [
        "=C5+C6+C7+C8",
        "=D5+D6+D7+D8",
        "=C4-D4",
        '=IF(D4=0,"",ROUND(100*(C4-D4)/D4,1))',
    ]
    assert [cell.value for cell in reception[5]][2:4] == [10, 8]
    cases = workbook["D. Giải quyết vụ việc"]
    rate = next(row for row in cases.iter_rows(min_row=4) if row[1].value == "Tỷ lệ giải quyết (%)")
    assert str(rate[2].value).startswith("=IF(") and rate[5].value is None  # a rate: points, no per cent
    by_unit = workbook["E. Theo đơn vị"]
    assert [cell.value for cell in by_unit[6]][1:] == ["Cộng", "=SUM(C4:C5)", "=SUM(D4:D5)", "=SUM(E4:E5)"] + [
        f"=SUM({column}4:{column}5)" for column in "FGH"
    ]
    by_month = workbook["G. Theo tháng"]
    assert [(row[1].value, row[2].value) for row in by_month.iter_rows(min_row=4)][:2] == [
        ("12/2025", 3),
        ("01/2026", 11),
    ]


def test_report_xlsx_has_bar_charts_by_field_and_by_month(report):
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    assert len(workbook["F. Theo lĩnh vực"]._charts) == 1
    assert len(workbook["G. Theo tháng"]._charts) == 1


def test_a_commune_dates_its_report_from_its_own_name():
    from reports.exports import place_name

    assert place_name("Thành phố Hà Nội") == "Hà Nội"
    assert place_name("Phường Ba Đình") == "Ba Đình"
    assert place_name("UBND phường Ba Đình") == "Ba Đình"
    assert place_name("Ủy ban nhân dân xã Kim Liên") == "Kim Liên"
    assert place_name("Phường 1") == "Phường 1"  # a number keeps its word
    assert place_and_date(date(2026, 6, 20), "Ba Đình") == "Ba Đình, ngày 20 tháng 6 năm 2026"


def _zero_figures(unit) -> dict:
    figures = _figures(unit)
    for section in figures["sections"]:
        for row in section["rows"]:
            row.update(value=0, previous=0, diff=0, pct=None)
    return figures


def test_a_report_with_nothing_to_report_says_so_in_words_not_in_zeros(ba_dinh):
    text = "\n".join(paragraph.text for paragraph in _docx(_report(ba_dinh, figures=_zero_figures(ba_dinh))).paragraphs)
    assert not re.search(r"\b0 (buổi|lượt|người|đơn|vụ|tổ chức|nhiệm vụ|cuộc|kết luận)\b", text), text
    assert "Trong kỳ không có tổ chức cơ sở đảng yếu kém trong danh sách theo dõi." in text
    assert "Trong kỳ chưa phát sinh cuộc kiểm tra, đôn đốc." in text
    assert "Trong kỳ chưa tổ chức buổi tiếp công dân nào." in text
    assert "Trong kỳ không tiếp nhận đơn nào và không có đơn kỳ trước chuyển sang." in text
    assert "Trong kỳ không phát sinh vụ việc phải giải quyết." in text


def test_the_state_format_speaks_only_of_the_peoples_committees_work(report):
    text = _all_text(_docx(report, state_format=True))
    assert "tổ chức cơ sở đảng" not in text.lower() and "TCCSĐ" not in text
    assert "Ủy ban nhân dân phường Ba Đình báo cáo" in text or "Ủy ban nhân dân Phường Ba Đình báo cáo" in text
    party = _all_text(_docx(report, state_format=False))
    assert "tổ chức cơ sở đảng yếu kém" in party
