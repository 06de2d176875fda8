from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import RoleAssignment, SecurityEvent, User
from accounts.services import two_factor_reset


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),  # declared by Django; typed as optional
        (_("Office"), {"fields": ("full_name", "job_title", "phone")}),
    )
    list_display = ["username", "full_name", "job_title", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    inlines = [RoleAssignmentInline]
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-step verification (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        reset = [user for user in queryset if two_factor_reset(actor=request.user, user=user, request=request)]
        self.message_user(
            request,
            _("Two-step verification reset for: {names}. They set it up again at their next sign-in.").format(
                names=", ".join(str(user) for user in reset)
            )
            if reset
            else _("None of these users had two-step verification set up."),
            messages.SUCCESS if reset else messages.WARNING,
        )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit", "may_see_identity", "is_active"]
    list_filter = ["role", "may_see_identity", "is_active"]
    search_fields = ["user__username", "user__full_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the application only."""

    list_display = ["at", "kind", "user", "username", "actor", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["user__username", "username", "ip_address"]
    list_select_related = ["user", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
