from typing import TYPE_CHECKING, ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.roles import ROLE_RIGHTS, Action, Role
from accounts.scoping import unit_scope


class UserQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = Action.VIEW) -> Self:
        """People holding an active role in a unit of the user's scope: a list of handlers or authors must not name
        people of other units."""
        scope = unit_scope(user, action)
        holders = self.filter(role_assignments__is_active=True)
        if scope.everything:
            return self.filter(pk__in=holders.values("pk"))
        if scope.is_empty:
            return self.none()
        return self.filter(pk__in=holders.filter(role_assignments__unit__in=scope.unit_ids).values("pk"))


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who signs in. What they may see and do comes only from their role assignments."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects: ClassVar[ScopedUserManager] = ScopedUserManager()

    if TYPE_CHECKING:
        # Set on the request's user by django-otp's OTPMiddleware: whether this session passed the second factor.
        def is_verified(self) -> bool: ...

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self) -> Self:
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


class SecurityEvent(models.Model):
    """Sign-ins, sign-outs, failed sign-ins and changes to a user's credentials, for the administrators' audit log.
    Written by the auth signals and the account services (accounts/signals.py, accounts/services.py)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGOUT = "logout", _("Signed out")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        SESSION_EXPIRED = "session_expired", _("Session expired")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        OTP_ENROLLED = "otp_enrolled", _("Two-step verification set up")
        OTP_REMOVED = "otp_removed", _("Two-step verification removed")
        OTP_RESET = "otp_reset", _("Two-step verification reset by an administrator")
        OTP_FAILED = "otp_failed", _("Wrong verification code")

    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="security_events", verbose_name=_("user")
    )
    # What was typed on the login page when it matches no user (kept short: it may be anything).
    username = models.CharField(_("user name entered"), max_length=150, blank=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("done by")
    )
    ip_address = models.CharField(_("address"), max_length=64, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sign-in and security event")
        verbose_name_plural = _("sign-in and security events")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()} {self.user or self.username}"


class PersonalDataAccess(models.Model):
    """Who saw or exported protected personal data, and when (Law on Denunciations 2018, Art. 47; Decree
    13/2023/NĐ-CP). Written in the same request that shows the data."""

    class Kind(models.TextChoices):
        VIEW_IDENTITY = "view_identity", _("Viewed a confidential identity")
        EXPORT = "export", _("Exported personal data")
        ANONYMISE = "anonymise", _("Anonymised personal data (disposal)")

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit of the record")
    )
    record = models.CharField(_("record"), max_length=200)
    path = models.CharField(_("page"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        db_table = "core_personaldataaccess"
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user_id} {self.get_kind_display()} {self.record}"
