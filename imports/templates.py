"""The downloadable template of each kind: the headings in the active language, one example row, and a guide."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import write_cell, xlsx_row
from imports.base import Importer
from imports.values import ChoiceParser, parse_bool, parse_date


def _accepted(column) -> str:
    if isinstance(column.parse, ChoiceParser):
        return "; ".join(column.parse.labels())
    if column.parse is parse_date:
        return _("dd/mm/yyyy (also d/m/yy or a spreadsheet date)")
    if column.parse is parse_bool:
        return _("có / không")
    return str(column.hint)


def template_workbook(importer: Importer) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet (typed as optional, of any kind)
    sheet.title = str(importer.label)[:31]
    bold = Font(bold=True)
    for index, column in enumerate(importer.columns, start=1):
        cell = write_cell(sheet, row=1, column=index, value=str(column.heading) + (" *" if column.required else ""))
        cell.font = bold
        example = write_cell(sheet, row=2, column=index, value=column.example if column.example != "" else None)
        if column.key in ("national_id", "complainant_id", "sender_id", "code", "unit_code", "parent_code"):
            example.number_format = "@"  # text, so Excel keeps the leading zeros of an identity number
        sheet.column_dimensions[get_column_letter(index)].width = max(14, min(40, len(str(column.heading)) + 4))
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Guide")[:31])
    guide.append(xlsx_row(guide, [str(importer.label)]))
    guide["A1"].font = Font(bold=True, size=13)
    guide.append(xlsx_row(guide, [str(importer.description)]))
    guide.append(xlsx_row(guide, [_("Columns marked * must be filled in. Delete the example row before importing.")]))
    guide.append([])
    guide.append(xlsx_row(guide, [_("Column"), _("Required"), _("Accepted values"), _("Also recognised as")]))
    for cell in guide[5]:
        cell.font = bold
    for column in importer.columns:
        guide.append(
            xlsx_row(
                guide,
                [
                    str(column.heading),
                    _("yes") if column.required else "",
                    _accepted(column) or str(column.hint),
                    "; ".join(column.aliases),
                ],
            )
        )
    for letter, width in zip("ABCD", (36, 10, 60, 50), strict=True):
        guide.column_dimensions[letter].width = width
    return workbook
