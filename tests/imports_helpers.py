"""Building spreadsheets for the import tests and running them through preview and confirmation."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import service
from imports.models import ImportBatch


def xlsx(headings: list, rows: list[list], name: str = "so.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Sổ")
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def csv_file(text: str, name: str = "so.csv", encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding))


def preview(*, user, unit, kind: str, upload) -> ImportBatch:
    batch = service.batch_create(user=user, kind=kind, unit=unit, upload=upload)
    service.batch_preview(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def confirm(batch: ImportBatch) -> ImportBatch:
    service.batch_confirm(user=batch.user, batch=batch)
    service.batch_import(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def run(*, user, unit, kind: str, upload) -> ImportBatch:
    return confirm(preview(user=user, unit=unit, kind=kind, upload=upload))


def errors_of(batch: ImportBatch) -> list[tuple]:
    return [tuple(error) for error in batch.report["errors"]]
