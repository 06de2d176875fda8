"""Parsing of spreadsheet cells. Each parser takes the raw cell (str, int, float, date or datetime, as openpyxl or
the CSV reader gives it) and returns the value, or raises CellError with a message in the active language."""

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _

from core.text import fold


class CellError(ValueError):
    """A cell that cannot be read; the message says what is wrong and what is expected."""


# Excel counts days from 30/12/1899 (its serial 60 is the 29/02/1900 that never was; later serials are right).
EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers from 1/1/1950 to 31/12/2099: anything else in a date column is a number typed by mistake.
EXCEL_SERIAL_RANGE = (18264, 73415)
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_TIME = re.compile(r"^(\d{1,2})[:hH.](\d{2})?$")


def text(value) -> str:
    """The cell as text: whitespace collapsed, a whole number without ".0" (Excel stores 12 as 12.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def is_blank(value) -> bool:
    return text(value) == ""


def parse_text(value) -> str:
    return text(value)


def parse_multiline(value) -> str:
    """Long text (a summary, reasons): line breaks kept, each line trimmed."""
    if value is None:
        return ""
    lines = [" ".join(line.split()) for line in str(value).strip().splitlines()]
    return "\n".join(lines).strip()


def parse_digits(value) -> str:
    """A number written as text, such as a CCCD number: a leading zero lost when Excel took it for a number is
    not put back here (the validator says the number has 12 digits), and spaces or dots are removed."""
    return re.sub(r"[\s.]", "", text(value))


def _two_digit_year(year: int) -> int:
    # d/m/yy: 00–69 is 2000–2069, 70–99 is 1970–1999 (what Excel does with two-digit years).
    return 2000 + year if year < 70 else 1900 + year


def parse_date(value) -> date:
    """dd/mm/yyyy, d/m/yy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, a real spreadsheet date, or an Excel serial number
    (a date column formatted as a number). Day first, as Vietnamese documents write dates."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    raw = text(value)
    if re.fullmatch(r"\d{5}(\.0+)?", raw):
        return _serial(float(raw))
    match = _DATE.match(raw)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(_two_digit_year(year) if year < 100 else year, month, day)
        match = _ISO_DATE.match(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError as error:
        raise CellError(_("“{value}” is not a date that exists.").format(value=raw)) from error
    raise CellError(_("“{value}” is not a date; write it as dd/mm/yyyy, e.g. 25/03/2024.").format(value=raw))


def _serial(number: float) -> date:
    if not EXCEL_SERIAL_RANGE[0] <= number <= EXCEL_SERIAL_RANGE[1]:
        raise CellError(_("{value} is not a date; write it as dd/mm/yyyy, e.g. 25/03/2024.").format(value=text(number)))
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_time(value) -> time:
    """hh:mm, 8h30, 14h, or a spreadsheet time (a fraction of a day)."""
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    raw = text(value)
    match = _TIME.match(raw)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise CellError(_("“{value}” is not a time; write it as hh:mm, e.g. 08:30.").format(value=raw))


def parse_int(value, minimum: int | None = None) -> int:
    raw = text(value)
    try:
        number = int(raw.replace(".", "").replace(",", "")) if not isinstance(value, int | float) else int(value)
    except ValueError as error:
        raise CellError(_("“{value}” is not a whole number.").format(value=raw)) from error
    if isinstance(value, float) and not value.is_integer():
        raise CellError(_("“{value}” is not a whole number.").format(value=raw))
    if minimum is not None and number < minimum:
        raise CellError(_("The number must be at least {minimum}.").format(minimum=minimum))
    return number


def parse_positive_int(value) -> int:
    return parse_int(value, minimum=1)


def parse_decimal(value) -> Decimal:
    """A number with a decimal comma (Vietnamese) or point."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = text(value)
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation as error:
        raise CellError(_("“{value}” is not a number.").format(value=raw)) from error


_YES = {"co", "x", "yes", "y", "true", "1", "dung", "phai", "v"}
_NO = {"khong", "no", "n", "false", "0", "sai", "-"}


def parse_bool(value) -> bool:
    """Có/không, x (a ticked box), yes/no, 1/0."""
    if isinstance(value, bool):
        return value
    raw = fold(text(value))
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(_("“{value}” is neither “có” nor “không”.").format(value=text(value)))


class ChoiceParser:
    """A choice found by its stored value, its name in Vietnamese or English, or an alias, ignoring case and
    diacritics. `choices` are (value, lazy label) pairs; `aliases` map more spellings to values."""

    def __init__(self, choices: Iterable[tuple[str, object]], aliases: dict[str, str] | None = None):
        self.choices = [(value, label) for value, label in choices if value != ""]
        self.aliases = aliases or {}
        self._lookup: dict[str, str] | None = None

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            lookup = {}
            for value, label in self.choices:
                lookup[fold(value)] = value
                for language in ("en", "vi"):
                    with translation.override(language):
                        lookup[fold(str(label))] = value
            lookup.update({fold(alias): value for alias, value in self.aliases.items()})
            self._lookup = lookup
        return self._lookup

    def labels(self) -> list[str]:
        """The names to show in the template's guide, in the active language."""
        return [str(label) for _value, label in self.choices]

    def __call__(self, value) -> str:
        raw = text(value)
        found = self.lookup().get(fold(raw))
        if found is None:
            raise CellError(
                _("“{value}” is not one of: {allowed}.").format(value=raw, allowed="; ".join(self.labels()))
            )
        return found
