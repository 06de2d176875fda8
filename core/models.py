from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """Per-unit, per-year running numbers for registers (sổ): cases, sessions, letters.

    Offices number their registers from 1 each year; the row is locked while a number is taken so two
    officials saving at once never get the same number.
    """

    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    register = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("register number sequence")
        verbose_name_plural = _("register number sequences")
        constraints = [models.UniqueConstraint(fields=["unit", "register", "year"], name="unique_number_sequence")]

    def __str__(self) -> str:
        return f"{self.register} {self.year} · {self.unit_id}: {self.last_value}"

    @classmethod
    def next_value(cls, *, unit_id: int, register: str, year: int) -> int:
        with transaction.atomic():
            sequence, _created = cls.objects.select_for_update().get_or_create(
                unit_id=unit_id, register=register, year=year
            )
            sequence.last_value += 1
            sequence.save(update_fields=["last_value"])
            return sequence.last_value


class PersonalDataAccess(models.Model):
    """Who saw or exported protected personal data, and when (Law on Denunciations 2018, Art. 47; Decree
    13/2023/NĐ-CP). Written in the same request that shows the data."""

    class Kind(models.TextChoices):
        VIEW_IDENTITY = "view_identity", _("Viewed a confidential identity")
        EXPORT = "export", _("Exported personal data")

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit of the record")
    )
    record = models.CharField(_("record"), max_length=200)
    path = models.CharField(_("page"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user_id} {self.get_kind_display()} {self.record}"


class Notification(models.Model):
    """A message to a user in the app (and by e-mail): due-soon and overdue cases, reception shortfalls.
    `key` makes the daily sweep idempotent: the same reminder is never sent twice on one day."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200)
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_notification_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.message
