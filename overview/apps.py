from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The home page's figures of the user's scope, and notifications with their daily sweep."""

    name = "overview"
    verbose_name = _("Overview")
