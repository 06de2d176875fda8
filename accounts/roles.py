"""Roles and the rights they carry. A role is always held for a unit (see RoleAssignment); its rights apply to
that unit's subtree. This map is product policy, so it lives in code and is reviewed like code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """What a user may do to a record in scope. Every scoped query names one."""

    VIEW = "view", _("View")
    CHANGE = "change", _("Change")
    REVIEW = "review", _("Review")
    APPROVE = "approve", _("Approve")
    # Recording is not approving: the conclusion or decision is signed on paper by the competent person (the
    # chairman, the secretary) and the register keeper records it, with its number, date, signer and scan
    # (DESIGN §8 "Recording vs deciding"). Approving inside the app stays APPROVE.
    RECORD = "record", _("Record decisions signed on paper")
    EXPORT = "export", _("Export")
    COMPILE = "compile", _("Compile reports")
    SEE_IDENTITY = "see_identity", _("See confidential identities")
    # The audit log (changes to users, roles and rules tables; sign-ins) is city-wide and needs this right at the
    # top unit; the personal data access log shows the accesses to records of units where the user holds it
    # (or may see identities).
    AUDIT = "audit", _("Read the audit logs")


class Role(models.TextChoices):
    WARD_OFFICIAL = "ward_official", _("Ward official")
    DISTRICT_REVIEWER = "district_reviewer", _("Supervising committee reviewer")
    STEERING_MEMBER = "steering_member", _("Steering committee member")
    ADMINISTRATOR = "administrator", _("Administrator")


ROLE_RIGHTS: dict[str, frozenset[str]] = {
    Role.WARD_OFFICIAL: frozenset({Action.VIEW, Action.CHANGE, Action.RECORD, Action.EXPORT, Action.COMPILE}),
    Role.DISTRICT_REVIEWER: frozenset(
        {Action.VIEW, Action.REVIEW, Action.APPROVE, Action.RECORD, Action.EXPORT, Action.COMPILE},
    ),
    Role.STEERING_MEMBER: frozenset(
        {Action.VIEW, Action.REVIEW, Action.APPROVE, Action.EXPORT, Action.COMPILE, Action.AUDIT},
    ),
    # Administrators keep users, units and rules tables in the admin site; they read domain records but never
    # change them, and see confidential identities only when explicitly granted.
    Role.ADMINISTRATOR: frozenset({Action.VIEW, Action.AUDIT}),
}
