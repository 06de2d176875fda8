from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Django 6.1's label of an empty choice in selects has no Vietnamese in Django's own catalogue yet; the
        # same text through ours does (Django lets an app's ready() replace it).
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("- Select an option -")

        # A stored time outside Python's range (year 0 in UTC) is read, not a server error (core/db.py).
        from core.db import connect_bounded_timestamps

        connect_bounded_timestamps()

        # The deploy checks of the installation's settings (SITE_URL) register on import.
        from core import checks  # noqa: F401
