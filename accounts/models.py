from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.roles import ROLE_RIGHTS, Action, Role


class User(AbstractUser):
    """A person who signs in. What they may see and do comes only from their role assignments."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self) -> "RoleAssignmentQuerySet":
        return self.filter(is_active=True)


class RoleAssignment(models.Model):
    """A user holds a role for a unit; the role's rights cover that unit and everything below it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Law on Denunciations 2018 (Arts. 9, 47): a denouncer's identity is shown only to who is explicitly allowed.
    may_see_identity = models.BooleanField(
        _("may see confidential identities"),
        default=False,
        help_text=_("Explicit right to see denouncers' identities in this unit's subtree. Every view is logged."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="unique_role_per_user_unit",
                violation_error_message=_("This user already holds this role for this unit."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    @property
    def rights(self) -> frozenset[str]:
        rights = ROLE_RIGHTS[self.role]
        if self.may_see_identity:
            rights = rights | {Action.SEE_IDENTITY}
        return rights
