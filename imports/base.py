"""The contract of an importer (one per kind of record, next to its domain) and the parts every kind shares:
columns with their headings and accepted variants, rows with their errors, the unit a row belongs to."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Action
from accounts.scoping import has_right, subtree_ids
from core.text import fold
from imports.values import CellError, ChoiceParser, is_blank, parse_digits, parse_multiline, parse_text, text
from organizations.models import Unit

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
# Parsers of text columns: an empty cell is "" (blank text fields), any other empty cell is None.
TEXT_PARSERS = (parse_text, parse_multiline, parse_digits)


@dataclass(frozen=True)
class Column:
    """A column of the template: `heading` is what the template shows (translated), `aliases` are other headings
    offices use for it (compared without case or diacritics), `parse` reads a non-empty cell."""

    key: str
    heading: Promise
    parse: Callable[[Any], Any] = parse_text
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: Any = ""
    hint: Promise | str = ""

    def names(self) -> set[str]:
        names = {fold(self.key)} | {fold(alias) for alias in self.aliases}
        for language in ("vi", "en"):
            with translation.override(language):
                names.add(fold(str(self.heading)))
        return names


UNIT_CODE = Column(
    "unit_code",
    gettext_lazy("Unit code"),
    aliases=("mã đơn vị", "mã đv", "ma don vi", "đơn vị (mã)", "mã xã/phường", "ma xa"),
    hint=gettext_lazy("Official code of the unit the record belongs to; empty: the unit chosen for the import."),
)


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)
    action: str = ""
    unit: Unit | None = None
    existing: Any = None
    changes: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # what an importer works out while checking, for writing

    def error(self, column: str, message: str) -> None:
        self.errors.append((column, str(message)))

    @property
    def resolved_unit(self) -> Unit:
        """The row's unit, once ImportContext.resolve_unit found it: a row whose unit it could not find is an error,
        and is neither checked further nor written."""
        if self.unit is None:
            raise ValueError(f"Row {self.number}: its unit was not resolved.")
        return self.unit

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportContext:
    """What checking and writing rows need beyond the rows: the user, the unit chosen for the import, and the
    units (by official code) in its subtree, fetched once."""

    def __init__(self, *, user, unit: Unit, batch_id: int | None = None):
        self.user, self.unit, self.batch_id = user, unit, batch_id
        self.subtree = subtree_ids({unit.pk})
        self._units_by_code: dict[str, Unit] | None = None

    @property
    def path(self) -> str:
        """Where the import is seen, for the personal-data log of what writing it shows."""
        return reverse("imports:batch_detail", kwargs={"pk": self.batch_id}) if self.batch_id else ""

    @property
    def units_by_code(self) -> dict[str, Unit]:
        """Units of the subtree by official code; a current unit wins over a former one with the same code."""
        if self._units_by_code is None:
            units = {}
            for unit in Unit.objects.filter(pk__in=self.subtree).exclude(code="").order_by("-valid_to"):
                if unit.code not in units or unit.valid_to is None:
                    units[unit.code] = unit
            self._units_by_code = units
        return self._units_by_code

    def resolve_unit(self, row: Row, column: str = "unit_code") -> Unit | None:
        """The unit of a row: the one named by its code, which must lie in the import's unit subtree and be one
        the user may change; the import's unit when the cell is empty."""
        code = row.values.get(column) or ""
        if not code:
            return self.unit
        unit = self.units_by_code.get(code)
        if unit is None:
            if Unit.objects.filter(code=code).exists():
                row.error(
                    column,
                    _("Unit {code} is outside {unit}; records of other units cannot be imported here.").format(
                        code=code, unit=self.unit
                    ),
                )
            else:
                row.error(column, _("No unit has the code {code}.").format(code=code))
            return None
        if not has_right(self.user, Action.CHANGE, unit.pk):
            row.error(column, _("You may not change the records of {unit}.").format(unit=unit))
            return None
        return unit


class Importer(ABC):
    """One kind of record. Subclasses declare `kind`, `label`, `model`, `columns` and implement `check` (decide
    each row's action and errors with no writes, fetching what they need in bulk) and `write` (create and
    update the checked rows, inside the caller's transaction, returning (record, action, row number))."""

    kind: str = ""
    label: Promise
    description: Promise | str = ""
    model: type[models.Model]
    columns: list[Column] = []
    # Columns shown in the preview's sample rows.
    sample_keys: list[str] = []
    # Model field name -> column key, where they differ (to name the columns an update changes).
    field_columns: dict[str, str] = {}

    @abstractmethod
    def check(self, rows: list[Row], context: ImportContext) -> None:
        """Decide each row's action and errors, writing nothing."""

    @abstractmethod
    def write(self, rows: list[Row], context: ImportContext) -> list[tuple[models.Model, str, int]]:
        """Create and update the checked rows inside the caller's transaction."""

    @abstractmethod
    def void(self, records: dict[type[models.Model], list[models.Model]], *, user, reason: str) -> int:
        """Void the records an import created (by model); returns how many were voided."""

    void_note: Promise | str = ""

    # Shared helpers ---------------------------------------------------------------------------------------------

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def heading(self, key: str) -> str:
        if not key:
            return ""
        return str(self.column(key).heading)

    def sample(self, row: Row) -> list[str]:
        """The row's cells for the preview, a choice by its name (not its stored code)."""
        cells = []
        for key in self.sample_keys:
            value, parse = row.values.get(key), self.column(key).parse
            if isinstance(parse, ChoiceParser) and value:
                value = dict(parse.choices).get(value, value)
            cells.append(text(value))
        return cells

    def change_labels(self, row: Row) -> list[str]:
        """The headings of the columns whose values an update changes."""
        keys = {column.key for column in self.columns}
        labels = []
        for name in row.changes:
            key = self.field_columns.get(name, name)
            labels.append(self.heading(key) if key in keys else str(model_field(self.model, name).verbose_name))
        return labels

    @staticmethod
    def apply_validation_error(row: Row, error: ValidationError, fields: dict[str, str]) -> None:
        """A model's or a service's ValidationError as row errors, each on the column of its field (`fields`
        maps field names to column keys; other fields' messages go to the row as a whole)."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    row.error(fields.get(name, ""), message)
        else:
            for message in error.messages:
                row.error("", message)

    @staticmethod
    def mark_duplicates(rows: Iterable[Row], key: Callable[[Row], Any], column: str) -> None:
        """A natural key that appears twice in the file: the later row is an error naming the earlier one."""
        seen: dict[Any, int] = {}
        for row in rows:
            if not row.ok:
                continue
            value = key(row)
            if value is None:
                continue
            if value in seen:
                row.error(column, _("The same record is already on row {row} of the file.").format(row=seen[value]))
            else:
                seen[value] = row.number

    @staticmethod
    def compare(row: Row, instance: models.Model, wanted: dict[str, Any]) -> None:
        """Set the row's action to unchanged or update from the fields that differ."""
        row.changes = {}
        for name, value in wanted.items():
            field = model_field(type(instance), name)
            if field.many_to_one:  # compare ids: reading the related object would cost a query per row
                differs = getattr(instance, field.attname) != (value.pk if value is not None else None)
            else:
                differs = getattr(instance, name) != value
            if differs:
                row.changes[name] = value
        row.action = UPDATE if row.changes else UNCHANGED


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A field of the model itself by name (Options.get_field also answers reverse relations, which importers
    never name)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a reverse relation, not a field")
    return field


def parse_cells(columns: list[Column], positions: dict[str, int], number: int, cells: list) -> Row:
    """A row's cells parsed by column; an unreadable or missing required cell is an error on its column."""
    row = Row(number=number, values={})
    for column in columns:
        position = positions.get(column.key)
        raw = cells[position] if position is not None and position < len(cells) else None
        if is_blank(raw):
            row.values[column.key] = "" if column.parse in TEXT_PARSERS else None
            if column.required:
                row.error(column.key, _("This cell must be filled in."))
            continue
        try:
            row.values[column.key] = column.parse(raw)
        except CellError as error:
            row.values[column.key] = None
            row.error(column.key, str(error))
    return row


def column_positions(columns: list[Column], headings: list[str]) -> dict[str, int]:
    """Which heading of the file is which column: the first heading matching a column's heading or one of its
    variants, in Vietnamese or English, without case or diacritics."""
    folded = [fold(heading.rstrip("*: ")) for heading in headings]
    positions: dict[str, int] = {}
    for column in columns:
        names = column.names()
        for index, heading in enumerate(folded):
            if heading in names and index not in positions.values():
                positions[column.key] = index
                break
    return positions


def validate_fields(instance: models.Model, row: Row, fields: dict[str, str], exclude: Iterable[str] = ()) -> None:
    """The model's own field rules (lengths, choices, validators) checked in memory: foreign keys were resolved
    from what the importer fetched, and uniqueness is the importer's natural-key check (and the database's)."""
    excluded = {f.name for f in instance._meta.concrete_fields if f.is_relation} | set(exclude)
    try:
        instance.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        Importer.apply_validation_error(row, error, fields)


def bump_sequence(*, register: str, numbers: Iterable[tuple[int, str]]) -> None:
    """Imported records keep their numbers; the register's running number for the year moves past the highest
    imported "N/yyyy", so the next record typed in gets a free number."""
    from core.models import NumberSequence

    highest: dict[tuple[int, int], int] = {}
    for unit_id, number in numbers:
        head, _sep, year_text = number.partition("/")
        if head.isdigit() and year_text.isdigit() and len(year_text) == 4:
            key = (unit_id, int(year_text))
            highest[key] = max(highest.get(key, 0), int(head))
    for (unit_id, year), value in highest.items():
        sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
            unit_id=unit_id, register=register, year=year
        )
        if sequence.last_value < value:
            sequence.last_value = value
            sequence.save(update_fields=["last_value"])


class Voidable(Protocol):
    """A record that is voided, never deleted (its model may also keep a `void_reason`)."""

    is_void: bool


def void_records[V: Voidable](model: type[models.Model], records: list[V], *, user: User, reason: str) -> list[V]:
    """Mark records void with the reason, as each domain's void service does, with a history entry by `user`."""
    from simple_history.utils import bulk_update_with_history

    records = [record for record in records if not record.is_void]
    for record in records:
        record.is_void = True
        if hasattr(record, "void_reason"):
            record.void_reason = reason
    fields = ["is_void", "void_reason"] if hasattr(model, "void_reason") else ["is_void"]
    if records:
        bulk_update_with_history(
            records, model, fields, batch_size=1000, default_user=user, default_change_reason=reason[:100]
        )
    return records
