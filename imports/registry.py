"""The kinds of records that can be imported, in the order a committee brings its registers in (units before
their ratings, citizens before the sessions and cases that name them)."""

from django.utils.functional import Promise
from django.utils.module_loading import import_string

from imports.base import Importer

KINDS = {
    "units": "imports.importers.organizations.UnitImporter",
    "ratings": "imports.importers.organizations.RatingImporter",
    "citizens": "imports.importers.citizens.CitizenImporter",
    "sessions": "imports.importers.citizens.SessionImporter",
    "letters": "imports.importers.cases.LetterImporter",
    "cases": "imports.importers.cases.CaseImporter",
}


def importer_for(kind: str) -> Importer:
    if kind not in KINDS:
        raise KeyError(kind)
    return import_string(KINDS[kind])()


def kind_choices() -> list[tuple[str, Promise]]:
    return [(kind, importer_for(kind).label) for kind in KINDS]
