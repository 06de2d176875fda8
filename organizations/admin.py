from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organizations.models import Reorganisation, Unit, UnitSuccession


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "division_type", "code", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "division_type"]
    search_fields = ["name", "code", "search_text"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


class UnitSuccessionInline(admin.TabularInline):
    model = UnitSuccession
    extra = 0
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(Reorganisation)
class ReorganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "effective_date", "legal_basis"]
    inlines = [UnitSuccessionInline]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(SimpleHistoryAdmin):
    list_display = ["predecessor", "successor", "reorganisation"]
    search_fields = ["predecessor__name", "successor__name"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor", "reorganisation"]
