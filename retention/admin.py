from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from retention.models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(SimpleHistoryAdmin):
    """Administrators keep the retention periods current, each with its legal basis; the history keeps who
    changed a period and when."""

    list_display = ["kind", "years", "legal_basis"]

    def has_delete_permission(self, request, obj=None):
        return False  # a kind without a period would never be listed for disposal: change the period instead
