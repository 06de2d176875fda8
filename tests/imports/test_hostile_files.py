"""Hostile import files (issue #15): a decompression bomb (a small XLSX whose shared strings inflate a
thousandfold) and sheets with too many rows are refused at upload, cheaply, before anything is parsed or stored,
with a message naming the limit."""

import io
import time
import zipfile
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.worksheet.worksheet import Worksheet

from imports import reading, service
from imports.models import ImportBatch
from tests.imports_helpers import csv_file, xlsx

MB = 1024 * 1024
HEADINGS = ["Họ và tên", "Số CCCD"]


def bomb(inflated_mb: int = 20) -> bytes:
    """A real workbook whose shared strings are replaced by one string of `inflated_mb` MB of "A": some 20 KB on
    disk. Built at test time; nothing this big is written to disk."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(HEADINGS)
    sheet.append(["Nguyễn Văn A", "001090000001"])
    plain = io.BytesIO()
    workbook.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                target.writestr(info, source.read(info))
        strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        target.writestr("xl/sharedStrings.xml", strings + b"<si><t>" + b"A" * (inflated_mb * MB) + b"</t></si></sst>")
    return out.getvalue()


@pytest.fixture
def parsing():
    """Records whether openpyxl was asked to open a workbook."""
    with mock.patch("imports.reading.load_workbook", wraps=reading.load_workbook) as load:
        yield load


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_decompression_bomb_is_refused_before_parsing(ward, ward_official, parsing):
    content = bomb()
    assert len(content) < 100_000
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        service.batch_create(
            user=ward_official, kind="citizens", unit=ward, upload=SimpleUploadedFile("so.xlsx", content)
        )
    assert time.monotonic() - started < 1
    assert "100" in refused.value.message_dict["file"][0]  # the ratio limit
    assert not parsing.called and not ImportBatch.objects.exists()


def test_a_workbook_too_large_once_unpacked_is_refused(settings, ward, ward_official, parsing):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 100_000  # only the total is over its limit
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 5
    with pytest.raises(ValidationError) as refused:
        service.batch_create(
            user=ward_official, kind="citizens", unit=ward, upload=SimpleUploadedFile("so.xlsx", bomb(6))
        )
    assert "5 MB" in refused.value.message_dict["file"][0]
    assert not parsing.called


def test_a_bomb_already_stored_is_not_parsed_by_the_preview(parsing):
    """A file stored before the check (or by another path) is refused when the worker reads it."""
    with pytest.raises(reading.FileTooLarge):
        reading.read_sheet(io.BytesIO(bomb()), "so.xlsx")
    assert not parsing.called


def test_a_bomb_uploaded_through_the_page_is_refused_with_a_message(client, ward, ward_official, media_root):
    client.force_login(ward_official)
    response = client.post(
        reverse("imports:batch_create"),
        {"kind": "citizens", "unit": ward.pk, "file": SimpleUploadedFile("so.xlsx", bomb())},
    )
    assert response.status_code == 200
    assert "100" in " ".join(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists() and stored_files(media_root) == []


def test_an_ordinary_workbook_is_still_accepted(ward, ward_official, parsing):
    upload = xlsx(HEADINGS, [["Nguyễn Văn A", "001090000001"]])
    batch = service.batch_create(user=ward_official, kind="citizens", unit=ward, upload=upload)
    assert batch.rows_total == 1 and parsing.called


def test_a_sheet_with_too_many_rows_is_refused(settings, ward, ward_official):
    settings.IMPORT_MAX_ROWS = 50
    upload = xlsx(HEADINGS, [[f"Người {n}", f"0010900{n:05d}"] for n in range(60)])
    with pytest.raises(ValidationError) as refused:
        service.batch_create(user=ward_official, kind="citizens", unit=ward, upload=upload)
    assert "50" in refused.value.message_dict["file"][0]
    assert not ImportBatch.objects.exists()


def test_a_sheet_at_the_row_limit_is_accepted(settings, ward, ward_official):
    settings.IMPORT_MAX_ROWS = 50
    upload = xlsx(HEADINGS, [[f"Người {n}", f"0010900{n:05d}"] for n in range(49)])
    assert service.batch_create(user=ward_official, kind="citizens", unit=ward, upload=upload).rows_total == 49


def test_a_million_empty_rows_are_not_read(settings, ward, ward_official):
    """One cell on the sheet's last row: openpyxl would yield a million empty rows to get there."""
    settings.IMPORT_MAX_ROWS = 1000
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(HEADINGS)
    sheet.cell(row=1_048_576, column=1, value="x")
    out = io.BytesIO()
    workbook.save(out)
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        service.batch_create(
            user=ward_official, kind="citizens", unit=ward, upload=SimpleUploadedFile("so.xlsx", out.getvalue())
        )
    assert time.monotonic() - started < 1
    assert "1.000" in refused.value.message_dict["file"][0]


def test_a_csv_with_too_many_rows_is_refused(settings, ward, ward_official):
    settings.IMPORT_MAX_ROWS = 50
    upload = csv_file("Họ và tên;Số CCCD\n" + "".join(f"Người {n};0010900{n:05d}\n" for n in range(60)))
    with pytest.raises(ValidationError) as refused:
        service.batch_create(user=ward_official, kind="citizens", unit=ward, upload=upload)
    assert "50" in refused.value.message_dict["file"][0]
