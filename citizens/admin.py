from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from citizens.models import ReceptionDutyRule


@admin.register(ReceptionDutyRule)
class ReceptionDutyRuleAdmin(SimpleHistoryAdmin):
    """Administrators keep the duty-to-receive rules current as the regulations change."""

    list_display = ["unit_kind", "head_position", "min_days", "period", "legal_basis", "valid_from", "valid_to"]
    list_filter = ["unit_kind", "head_position"]
