"""Reading a spreadsheet into rows of cells: the first sheet of an XLSX workbook (openpyxl, read-only, so a large
file is streamed) or a CSV file (UTF-8 with or without a byte-order mark, separated by ";" or "," or tabs,
whichever the heading line uses)."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from imports.values import is_blank

EXTENSIONS = ("xlsx", "csv")
# How many rows at the top may come before the heading row (a title, a date line).
HEADING_SEARCH_ROWS = 10


class FileError(ValueError):
    """The file cannot be read at all."""


@dataclass
class Sheet:
    headings: list[str]
    heading_row: int
    rows: Iterator[tuple[int, list]]  # (row number as the spreadsheet shows it, cells)


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _xlsx_rows(handle: IO[bytes]) -> Iterator[tuple[int, list]]:
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from error
    sheet = workbook.worksheets[0]
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileError(_("The CSV file is not in UTF-8; save it again as “CSV UTF-8”.")) from error


def _csv_rows(handle: IO[bytes]) -> Iterator[tuple[int, list]]:
    content = _decode(handle.read())
    first_line = content.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    yield from enumerate(reader, start=1)


def read_sheet(handle: IO[bytes], name: str) -> Sheet:
    """The heading row (the first row, among the first few, with at least two filled cells) and the rows below
    it. Entirely empty rows are skipped; row numbers stay those of the file so errors point at the right line."""
    extension = extension_of(name)
    if extension == "xlsx":
        rows = _xlsx_rows(handle)
    elif extension == "csv":
        rows = _csv_rows(handle)
    else:
        raise FileError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    for number, cells in rows:
        if sum(not is_blank(cell) for cell in cells) >= 2:
            headings = [" ".join(str(cell).split()) if cell is not None else "" for cell in cells]
            return Sheet(headings=headings, heading_row=number, rows=_data_rows(rows))
        if number >= HEADING_SEARCH_ROWS:
            break
    raise FileError(_("No heading row was found at the top of the first sheet."))


def _data_rows(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    for number, cells in rows:
        if any(not is_blank(cell) for cell in cells):
            yield number, cells


def count_rows(handle: IO[bytes], name: str) -> int:
    """The number of rows below the first, to choose between checking at once and in a worker. The rows are
    counted (streamed): the dimension a workbook records is missing or wrong in files written by other programs."""
    if extension_of(name) == "xlsx":
        try:
            return max(sum(1 for _row in _xlsx_rows(handle)) - 1, 0)
        except FileError:
            return 0
    return max(handle.read().count(b"\n") - 1, 0)
