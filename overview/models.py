from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import OwnedQuerySet


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

    OWNER_FIELD = "user"
    objects = OwnedQuerySet.as_manager()

    class Meta:
        db_table = "core_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_notification_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.message
