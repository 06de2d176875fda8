"""Reading a spreadsheet into rows of cells: the first sheet of an XLSX workbook (openpyxl, read-only, so a large
file is streamed) or a CSV file (UTF-8 with or without a byte-order mark, separated by ";" or "," or tabs,
whichever the heading line uses).

A hostile file is refused cheaply (issue #15): an XLSX is a zip whose parts openpyxl inflates (the shared strings
whole, in memory), so the sizes its directory declares are checked before parsing (zipfile never inflates a part
beyond its declared size); and reading stops past IMPORT_MAX_ROWS, whose gaps openpyxl would fill with empty rows."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from imports.values import is_blank

EXTENSIONS = ("xlsx", "csv")
# How many rows at the top may come before the heading row (a title, a date line).
HEADING_SEARCH_ROWS = 10
MB = 1024 * 1024
# Parts of a normal workbook smaller than this may compress very well (styles, an empty sheet): no ratio check.
RATIO_CHECKED_FROM = MB
# A workbook has a few dozen parts; a zip of many thousands is not one, and listing them costs time.
MAX_PARTS = 2000


class FileError(ValueError):
    """The file cannot be read at all."""


class FileTooLarge(FileError):
    """The file is beyond a limit (its size once unpacked, a part's compression ratio, its rows): refused at
    upload rather than shown as an error of the preview."""


def _too_many_rows() -> FileTooLarge:
    return FileTooLarge(
        _("The sheet has more than {rows} rows. Split it into files of at most {rows} rows each.").format(
            rows=f"{settings.IMPORT_MAX_ROWS:,}".replace(",", ".")
        )
    )


def check_xlsx_container(handle: IO[bytes]) -> None:
    """Refuse a workbook whose parts would inflate beyond IMPORT_MAX_UNCOMPRESSED_MB in all, or of which a part
    inflates more than IMPORT_MAX_COMPRESSION_RATIO times (a decompression bomb), reading only the zip's
    directory. Leaves `handle` at its start."""
    try:
        with zipfile.ZipFile(handle) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from error
    finally:
        handle.seek(0)
    if len(parts) > MAX_PARTS:
        raise FileError(_("The file is not an Excel workbook (.xlsx) that can be read."))
    ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
    for part in parts:
        if part.file_size >= RATIO_CHECKED_FROM and part.file_size > ratio * max(part.compress_size, 1):
            raise FileTooLarge(
                _(
                    "The workbook was refused: a part of it unpacks to more than {ratio} times its size, which only a "
                    "damaged or deliberately crafted file does. Save it again from Excel, or copy the data into the "
                    "import template."
                ).format(ratio=ratio)
            )
    if sum(part.file_size for part in parts) > settings.IMPORT_MAX_UNCOMPRESSED_MB * MB:
        raise FileTooLarge(
            _(
                "The workbook is larger than {size} MB once unpacked. Split it into smaller files, or remove "
                "pictures and other sheets."
            ).format(size=settings.IMPORT_MAX_UNCOMPRESSED_MB)
        )


@dataclass
class Sheet:
    headings: list[str]
    heading_row: int
    rows: Iterator[tuple[int, list]]  # (row number as the spreadsheet shows it, cells)


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _xlsx_rows(handle: IO[bytes]) -> Iterator[tuple[int, list]]:
    check_xlsx_container(handle)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from error
    sheet = workbook.worksheets[0]
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > settings.IMPORT_MAX_ROWS:
                raise _too_many_rows()
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
    for number, cells in enumerate(reader, start=1):
        if number > settings.IMPORT_MAX_ROWS:
            raise _too_many_rows()
        yield number, cells


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
    counted (streamed): the dimension a workbook records is missing or wrong in files written by other programs.
    Raises FileTooLarge for a file beyond the limits; any other unreadable file counts 0 (the preview says why)."""
    if extension_of(name) == "xlsx":
        try:
            return max(sum(1 for _row in _xlsx_rows(handle)) - 1, 0)
        except FileTooLarge:
            raise
        except FileError:
            return 0
    lines = handle.read().count(b"\n")
    if lines > settings.IMPORT_MAX_ROWS:  # a quoted cell may hold line breaks: count the rows themselves
        handle.seek(0)
        try:
            lines = sum(1 for _row in _csv_rows(handle))
        except FileTooLarge:
            raise
        except FileError:
            return 0
    return max(lines - 1, 0)
