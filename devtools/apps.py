from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevtoolsConfig(AppConfig):
    """Demo data, the city-scale data generator and the benchmark: never imported by the product."""

    name = "devtools"
    verbose_name = _("Developer tools")
