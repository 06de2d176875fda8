from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import CaseField, DeadlineRule, Holiday


@admin.register(CaseField)
class CaseFieldAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin):
    """Administrators keep the statutory time limits current as the laws change (with their legal basis)."""

    list_display = [
        "step",
        "case_kind",
        "attempt",
        "complexity",
        "remote_area",
        "days",
        "day_kind",
        "max_extensions",
        "legal_basis",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["step", "case_kind", "day_kind"]


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    """Days off and swapped working days for working-day deadlines (the Government announces them yearly)."""

    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
