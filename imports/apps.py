from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Spreadsheet imports of existing registers, with the importers of every kind of record."""

    name = "imports"
    verbose_name = _("Imports")
