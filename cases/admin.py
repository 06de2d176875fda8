from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import CaseField


@admin.register(CaseField)
class CaseFieldAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"code": ["name"]}
