"""The kinds of records that can be imported, in the order a committee brings its registers in (units before
their ratings, citizens before the sessions and cases that name them)."""

from django.utils.module_loading import import_string

from core.imports.base import Importer

KINDS = {
    "units": "organizations.imports.UnitImporter",
    "ratings": "organizations.imports.RatingImporter",
    "citizens": "citizens.imports.CitizenImporter",
    "sessions": "citizens.imports.SessionImporter",
    "letters": "cases.imports.LetterImporter",
    "cases": "cases.imports.CaseImporter",
}


def importer_for(kind: str) -> Importer:
    if kind not in KINDS:
        raise KeyError(kind)
    return import_string(KINDS[kind])()


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, importer_for(kind).label) for kind in KINDS]
