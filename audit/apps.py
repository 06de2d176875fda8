from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit log and the personal data access log pages."""

    name = "audit"
    verbose_name = _("Audit logs")
