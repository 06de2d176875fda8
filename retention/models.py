"""Personal data kept only as long as its purpose needs (Decree 13/2023/NĐ-CP; DESIGN §8 "Retention").

Each kind of record has a retention period with its legal basis (RetentionRule, kept by administrators). A record
past its period is listed for a committee to approve for disposal, unless it is held: still open, watched (a hot
spot, a focus case, an over-level case), reopened by a later attempt, or put on hold by hand (under inspection).
Approving a disposal (Disposal) anonymises the records' personal data, keeps everything the statistics count,
and names each record it touched (DisposedRecord), with who approved it and on which decision.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet


class RecordKind(models.TextChoices):
    """The kinds of record a retention period applies to, each counted from the day its handling ended."""

    ARCHIVED_LETTER = "archived_letter", _("Archived letter (from the day it was archived)")
    FORWARDED_LETTER = "forwarded_letter", _("Letter guided, transferred or urged (from the day it was handled)")
    CLOSED_CASE = "closed_case", _("Closed case, with its letters and the visit that brought it (from its closing)")
    VISIT = "visit", _("Reception visit that opened no letter or case (from the day of the session)")


class RetentionRule(models.Model):
    """How long one kind of record keeps its personal data, and why. Administrators keep it in the admin site."""

    kind = models.CharField(_("kind of record"), max_length=20, choices=RecordKind.choices, unique=True)
    years = models.PositiveSmallIntegerField(
        _("kept for (years)"),
        validators=[
            MinValueValidator(1, _("A record is kept at least one year.")),
            MaxValueValidator(100, _("Keep it permanently by putting its records on hold instead.")),
        ],
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.years} ({self.legal_basis})"


class RetentionHold(models.Model):
    """A record kept past its period by decision (under inspection, asked for by a court…) until lifted."""

    SCOPE_FIELD = "unit"

    kind = models.CharField(_("kind of record"), max_length=20, choices=RecordKind.choices)
    record_id = models.PositiveBigIntegerField(_("record"))
    label = models.CharField(_("record"), max_length=200)
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    reason = models.CharField(_("reason for the hold"), max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("placed by")
    )
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention hold")
        verbose_name_plural = _("retention holds")
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "record_id"], condition=models.Q(lifted_at__isnull=True), name="one_hold_per_record"
            )
        ]

    def __str__(self) -> str:
        return self.label


class Disposal(models.Model):
    """A committee's approved disposal: the decision it rests on and the records it anonymised."""

    SCOPE_FIELD = "unit"

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("approving unit")
    )
    decision = models.CharField(
        _("decision"), max_length=100, help_text=_("Number of the decision or minutes approving the disposal.")
    )
    decided_on = models.DateField(_("decided on"))
    note = models.TextField(_("note"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("disposal")
        verbose_name_plural = _("disposals")
        ordering = ["-approved_at"]

    def __str__(self) -> str:
        return self.decision


class DisposedRecord(models.Model):
    """One record a disposal anonymised, named by kind and number (never by the person)."""

    disposal = models.ForeignKey(Disposal, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(_("kind of record"), max_length=20, choices=RecordKind.choices)
    record_id = models.PositiveBigIntegerField(_("record"))
    label = models.CharField(_("record"), max_length=200)
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    counted_from = models.DateField(_("counted from"))
    kept_until = models.DateField(_("kept until"))

    class Meta:
        verbose_name = _("disposed record")
        verbose_name_plural = _("disposed records")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "record_id"], name="disposed_once")]

    def __str__(self) -> str:
        return self.label
