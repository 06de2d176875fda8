"""Imports of the party organizations under a commune and of their annual ratings from spreadsheets.

Organizations are found again by their code (the natural key of units); a rating by organization and year. Ratings
go through organizations.services.rating_record, so an organization rated "did not complete its tasks" gets its
draft dossier exactly as when the rating is typed in."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.base import CREATE, Column, ImportContext, Importer, Row, validate_fields, void_records
from imports.values import ChoiceParser, parse_date, parse_decimal, parse_int, parse_multiline
from organizations.choices import RatingLevel, UnitKind
from organizations.models import QualityRating, RatingRegulation, Unit, WeakDossier
from organizations.services import PARTY_ORGANIZATION_KINDS, rating_record, rating_validate

ORGANIZATION_KIND = ChoiceParser(
    [(UnitKind.GRASSROOTS, UnitKind.GRASSROOTS.label), (UnitKind.CELL, UnitKind.CELL.label)],
    {
        "đảng bộ cơ sở": "grassroots",
        "chi bộ cơ sở": "grassroots",
        "tổ chức cơ sở đảng": "grassroots",
        "tccsđ": "grassroots",
        "chi bộ": "cell",
        "chi bộ trực thuộc": "cell",
    },
)
LEVEL = ChoiceParser(
    RatingLevel.choices,
    {
        "hoàn thành xuất sắc nhiệm vụ": "excellent",
        "htxsnv": "excellent",
        "xuất sắc": "excellent",
        "hoàn thành tốt nhiệm vụ": "good",
        "httnv": "good",
        "tốt": "good",
        "hoàn thành nhiệm vụ": "completed",
        "htnv": "completed",
        "không hoàn thành nhiệm vụ": "not_completed",
        "khtnv": "not_completed",
        "yếu kém": "weak",
    },
)
CODE_ALIASES = ("mã", "mã tổ chức", "mã tổ chức đảng", "mã đơn vị", "mã số")


class UnitImporter(Importer):
    kind = "units"
    label = gettext_lazy("Party organizations")
    description = gettext_lazy(
        "One row per grassroots party organization or party cell, with its code, under the unit chosen for the "
        "import or under the organization whose code is given as its parent (which may be on an earlier or later "
        "row). An organization already recorded with the same code is updated."
    )
    model = Unit
    columns = [
        Column(
            "code", gettext_lazy("Code of the organization"), required=True, aliases=CODE_ALIASES, example="CB-0101"
        ),
        Column(
            "name",
            gettext_lazy("Name"),
            required=True,
            aliases=("tên", "tên tổ chức", "tên tổ chức đảng"),
            example="Chi bộ Tổ dân phố số 1",
        ),
        Column(
            "kind", gettext_lazy("Kind of organization"), ORGANIZATION_KIND, True, ("loại", "loại hình"), "Chi bộ cơ sở"
        ),
        Column(
            "parent_code",
            gettext_lazy("Code of the organization above"),
            aliases=("mã cấp trên", "mã đơn vị cấp trên", "trực thuộc (mã)"),
            hint=gettext_lazy("Empty: directly under the unit chosen for the import."),
        ),
        Column("valid_from", gettext_lazy("Valid from"), parse_date, aliases=("ngày thành lập", "hiệu lực từ")),
    ]
    sample_keys = ["code", "name", "kind", "parent_code"]
    field_columns = {"parent": "parent_code"}
    void_note = gettext_lazy(
        "Organizations are not deleted: those it created end their validity on the day before the voiding, so they "
        "leave today's lists and keep their history."
    )

    def check(self, rows: list[Row], context: ImportContext) -> None:
        self.mark_duplicates(rows, lambda row: row.values["code"], "code")
        in_file = {row.values["code"]: row for row in rows if row.ok}
        existing_anywhere = {unit.code: unit for unit in Unit.objects.current().filter(code__in=in_file.keys())}
        for row in (row for row in rows if row.ok):
            v = row.values
            unit = existing_anywhere.get(v["code"])
            if unit is not None and unit.pk not in context.subtree:
                row.error(
                    "code",
                    _("Unit {code} is outside {unit}; records of other units cannot be imported here.").format(
                        code=v["code"], unit=context.unit
                    ),
                )
                continue
            if unit is not None and unit.kind not in (UnitKind.GRASSROOTS, UnitKind.CELL):
                row.error(
                    "code",
                    _("The code {code} belongs to {unit}, which is not a party organization.").format(
                        code=v["code"], unit=unit
                    ),
                )
                continue
            parent: Unit | None = context.unit
            if v["parent_code"]:
                parent = context.units_by_code.get(v["parent_code"])
                if parent is None and v["parent_code"] in in_file:
                    parent = in_file[v["parent_code"]].data.get("unit") or existing_anywhere.get(v["parent_code"])
                    row.data["parent_row"] = in_file[v["parent_code"]]
                if parent is None and "parent_row" not in row.data:
                    row.error(
                        "parent_code",
                        _("No unit in {unit} has the code {code}.").format(unit=context.unit, code=v["parent_code"]),
                    )
                    continue
            row.data["parent"] = parent
            if v["parent_code"] == v["code"] or (unit and parent and parent.pk and parent.pk in _descendants(unit)):
                row.error("parent_code", _("An organization cannot be placed under itself or its own sub-units."))
                continue
            wanted = {"name": v["name"], "kind": v["kind"]}
            if unit is None:
                # An organization above that is itself on a later row is saved first when writing; until then the
                # import's unit (which it lies under) stands in for Unit.clean's "has a parent" rule.
                unit = Unit(
                    code=v["code"],
                    division_type="",
                    valid_from=v["valid_from"],
                    parent=parent if parent is not None and parent.pk else context.unit,
                    **wanted,
                )
                validate_fields(unit, row, {"name": "name", "kind": "kind", "code": "code"})
                row.action, row.data["unit"] = CREATE, unit
            else:
                row.existing = unit
                self.compare(row, unit, wanted | ({"parent": parent} if parent is not None and parent.pk else {}))
        # A parent given by code on another row of the file must be an organization that can hold one.
        for row in (row for row in rows if row.ok):
            parent_row = row.data.get("parent_row")
            if parent_row is not None and not parent_row.ok:
                row.error(
                    "parent_code", _("The organization above, on row {row}, has errors.").format(row=parent_row.number)
                )
            parent_kind = parent_row.values["kind"] if parent_row is not None else row.data["parent"].kind
            if row.values["kind"] == UnitKind.GRASSROOTS and parent_kind == UnitKind.CELL:
                row.error("parent_code", _("A grassroots organization cannot be under a party cell."))

    def write(self, rows: list[Row], context: ImportContext) -> list:
        written, pending = [], list(rows)
        while pending:  # parents first: a row waits until the unit above it is saved
            progressed = False
            for row in list(pending):
                parent_row = row.data.get("parent_row")
                parent = parent_row.data.get("unit") if parent_row is not None else row.data["parent"]
                if parent_row is not None and parent_row in pending:
                    continue
                unit = row.data["unit"] if row.action == CREATE else row.existing
                for name, value in row.changes.items():
                    setattr(unit, name, value)
                unit.parent = parent if parent is not None else row.existing.parent
                unit.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)
                unit._history_user = context.user
                unit.save()
                written.append((unit, row.action, row.number))
                pending.remove(row)
                progressed = True
            if not progressed:
                raise ValidationError(_("The organizations of the file are each other's parents."))
        return written

    def void(self, records: dict, *, user, reason: str) -> int:
        """End the validity of the organizations the import created (units have no void)."""
        yesterday = timezone.localdate() - timedelta(days=1)
        units = [unit for unit in records.get(Unit, []) if unit.valid_to is None]
        for unit in units:
            if unit.valid_from and unit.valid_from > yesterday:
                unit.valid_from = yesterday
            unit.valid_to = yesterday
            unit._history_user = user
            unit._change_reason = reason[:100]
            unit.save()
        return len(units)


def _descendants(unit: Unit) -> set[int]:
    return set(unit.descendants().values_list("pk", flat=True))


class RatingImporter(Importer):
    kind = "ratings"
    label = gettext_lazy("Annual ratings of party organizations")
    description = gettext_lazy(
        "One row per organization and year. A rating already recorded for that year is corrected; a rating of "
        "“did not complete its tasks” opens the organization's draft dossier, as when typed in."
    )
    model = QualityRating
    columns = [
        Column(
            "code", gettext_lazy("Code of the organization"), required=True, aliases=CODE_ALIASES, example="CB-0101"
        ),
        Column(
            "year",
            gettext_lazy("Year"),
            lambda value: parse_int(value, minimum=2000),
            True,
            ("năm", "năm đánh giá"),
            2025,
        ),
        Column(
            "regulation",
            gettext_lazy("Regulation applied"),
            aliases=("quy định", "văn bản", "căn cứ"),
            hint=gettext_lazy("Empty: the regulation that applies to the year."),
        ),
        Column(
            "level",
            gettext_lazy("Level"),
            LEVEL,
            True,
            ("xếp loại", "mức xếp loại", "kết quả xếp loại"),
            "Hoàn thành tốt nhiệm vụ",
        ),
        Column("score", gettext_lazy("Score"), parse_decimal, aliases=("điểm", "tổng điểm"), example=85),
        Column("reasons", gettext_lazy("Reasons"), parse_multiline, aliases=("lý do", "ghi chú")),
    ]
    sample_keys = ["code", "year", "level", "score"]
    void_note = gettext_lazy(
        "Ratings are not voided: a wrong rating is corrected by rating again (or importing the right file); the draft "
        "dossiers the import opened are voided."
    )

    def check(self, rows: list[Row], context: ImportContext) -> None:
        regulations = list(RatingRegulation.objects.all())
        self.mark_duplicates(rows, lambda row: (row.values["code"], row.values["year"]), "year")
        units = context.units_by_code
        keys = {
            (units[row.values["code"]].pk, row.values["year"]) for row in rows if row.ok and row.values["code"] in units
        }
        existing = {
            (rating.unit_id, rating.year): rating
            for rating in QualityRating.objects.filter(
                unit_id__in={unit_id for unit_id, _year in keys}, year__in={year for _unit, year in keys}
            ).select_related("regulation")
        }
        for row in (row for row in rows if row.ok):
            v = row.values
            row.values["unit_code"] = v["code"]
            unit = context.resolve_unit(row, "code")
            if unit is None:
                continue
            if unit.kind not in PARTY_ORGANIZATION_KINDS:
                row.error("code", _("Only party organizations are rated."))
                continue
            regulation = self._regulation(row, regulations)
            if regulation is None:
                continue
            rating = QualityRating(
                unit=unit,
                year=v["year"],
                regulation=regulation,
                level=v["level"],
                score=v["score"],
                reasons=v["reasons"],
            )
            try:
                rating_validate(rating)
            except ValidationError as error:
                self.apply_validation_error(
                    row, error, {"regulation": "regulation", "level": "level", "score": "score"}
                )
                continue
            row.unit, row.data["regulation"] = unit, regulation
            current = existing.get((unit.pk, v["year"]))
            wanted = {"regulation": regulation, "level": v["level"], "score": v["score"], "reasons": v["reasons"]}
            if current is None:
                row.action = CREATE
            else:
                row.existing = current
                self.compare(row, current, wanted)

    @staticmethod
    def _regulation(row: Row, regulations: list[RatingRegulation]) -> RatingRegulation | None:
        code, year = row.values["regulation"], row.values["year"]
        if code:
            found = next((r for r in regulations if r.code.lower() == code.lower()), None)
            if found is None:
                row.error(
                    "regulation",
                    _("“{value}” is not one of: {allowed}.").format(
                        value=code, allowed="; ".join(r.code for r in regulations)
                    ),
                )
            return found
        applying = [r for r in regulations if r.year_from <= year and (r.year_to is None or year <= r.year_to)]
        if len(applying) != 1:
            row.error("regulation", _("Say which regulation the rating of {year} applies.").format(year=year))
            return None
        return applying[0]

    def write(self, rows: list[Row], context: ImportContext) -> list[tuple[models.Model, str, int]]:
        written: list[tuple[models.Model, str, int]] = []
        for row in rows:
            v = row.values
            had_dossier = WeakDossier.objects.active().filter(unit=row.unit, year=v["year"]).exists()
            rating = rating_record(
                user=context.user,
                unit=row.resolved_unit,
                year=v["year"],
                regulation=row.data["regulation"],
                level=v["level"],
                score=v["score"],
                reasons=v["reasons"],
            )
            written.append((rating, row.action, row.number))
            if not had_dossier:
                dossier = WeakDossier.objects.active().filter(unit=row.unit, year=v["year"], rating=rating).first()
                if dossier is not None:
                    written.append((dossier, CREATE, row.number))
        return written

    def void(self, records: dict, *, user, reason: str) -> int:
        return len(void_records(WeakDossier, records.get(WeakDossier, []), user=user, reason=reason))
