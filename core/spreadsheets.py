"""Text written to spreadsheets, neutralised (CSV injection, OWASP): every CSV and XLSX the product writes goes
through these helpers, so a name or a summary someone typed never runs as a formula in the reader's Excel.

- CSV has no cell types: a text starting with "=", "+", "-", "@", a tab or a carriage return is prefixed with a
  single quote, which spreadsheet programs show as text (a legitimate "-5 hộ" then reads "'-5 hộ": the accepted
  trade-off).
- XLSX cells have types: every text is written as a string cell, never a formula (openpyxl turns a str starting
  with "=" into a formula unless told otherwise), so it shows unchanged. Characters XML cannot hold are dropped.

Numbers, dates and empty cells pass through unchanged in both.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> str:
    """A CSV cell: dates as dd/mm/yyyy, None as "", numbers as written, text that could start a formula
    prefixed with "'"."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_row(values: Iterable[object]) -> list[str]:
    """A row for csv.writer, each cell through csv_text."""
    return [csv_text(value) for value in values]


def xlsx_text(value: str) -> str:
    """A text without the control characters an XLSX cannot hold (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _guard(cell: Cell) -> Cell:
    if isinstance(cell.value, str):
        cell.data_type = "s"  # a string cell, even when it starts with "=": never a formula
    return cell


def xlsx_cell(sheet: Worksheet | WriteOnlyWorksheet, value: Any) -> Any:
    """What to put in a row given to `sheet.append` (either mode): a text becomes a string cell; anything else
    (numbers, dates, None, a cell already built) passes unchanged."""
    if isinstance(value, str):
        return _guard(WriteOnlyCell(sheet, value=xlsx_text(value)))  # a cell `append` places in the row, in either mode
    return value


def xlsx_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append`, each text a string cell."""
    return [xlsx_cell(sheet, value) for value in values]


def write_cell(sheet: Worksheet, *, row: int, column: int, value: Any) -> Cell:
    """Set one cell of a (normal-mode) sheet, a text as a string cell. Returns the cell, to style it."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(cell, MergedCell):  # covered by a merged range: only its top-left cell holds a value
        raise ValueError(f"{cell.coordinate} is inside a merged range")
    cell.value = xlsx_text(value) if isinstance(value, str) else value
    return _guard(cell)
