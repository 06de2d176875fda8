from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet
from reports.choices import PeriodKind, ReportStatus


class Report(models.Model):
    """A compiled report of a unit for a period: a snapshot of its figures with the data cut-off time. Later
    edits to the records do not change it; compiling again makes a new version. A unit freezes (chốt) and
    submits one version; the level above sees the submissions and their roll-up."""

    SCOPE_FIELD = "unit"

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="reports", verbose_name=_("unit")
    )
    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    calendar_period = models.BooleanField(
        _("calendar period"), default=False, help_text=_("Calendar months instead of the statistical cut-off.")
    )
    start = models.DateField(_("period from"))
    end = models.DateField(_("period to"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_label = models.CharField(_("step"), max_length=200, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    data_cutoff = models.DateTimeField(_("data as of"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    # What the signed paper carries besides the figures, set before exporting (reports/exports.py has the defaults).
    recipients = models.TextField(
        _("recipients (Nơi nhận)"), blank=True, help_text=_("One recipient a line. Empty: the usual recipients.")
    )
    signer_name = models.CharField(_("signer's full name"), max_length=100, blank=True)

    history = HistoricalRecords(excluded_fields=["figures", "progress", "progress_label"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-year", "period_kind", "unit__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_kind", "year", "calendar_period", "version"], name="unique_report_version"
            ),
        ]

    def __str__(self) -> str:
        return _("Report %(period)s %(year)s · %(unit)s (v%(version)s)") % {
            "period": self.get_period_kind_display(),
            "year": self.year,
            "unit": self.unit,
            "version": self.version,
        }

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", kwargs={"pk": self.pk})


class SubmissionRule(models.Model):
    """How long the units below have to submit their report of a period kind to the committee above: so many days
    after the period ends. No law fixes this for party committees, so the steering committee sets it (and says so
    in `basis`); administrators keep it current. A period kind without a rule is not chased (unless a period of it
    has an explicit due date)."""

    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind.choices, unique=True)
    days_after_end = models.PositiveSmallIntegerField(
        _("days after the period ends"), help_text=_("Calendar days from the last day of the period.")
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind days before"),
        default=3,
        help_text=_("The units that have not submitted are reminded this many days before the due date."),
    )
    basis = models.CharField(_("grounds"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("submission deadline rule")
        verbose_name_plural = _("submission deadline rules")
        ordering = ["period_kind"]

    def __str__(self) -> str:
        return _("%(period)s: %(days)s days after the period ends (%(basis)s)") % {
            "period": self.get_period_kind_display(),
            "days": self.days_after_end,
            "basis": self.basis,
        }


class SubmissionDueDate(models.Model):
    """An explicit due date for one period (a kind and a year), set by the steering committee for that round
    (a holiday, a conference): it overrides the rule for that period only."""

    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("submit by"))
    basis = models.CharField(_("grounds"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("submission due date")
        verbose_name_plural = _("submission due dates")
        ordering = ["-year", "period_kind"]
        constraints = [
            models.UniqueConstraint(fields=["period_kind", "year"], name="unique_submission_due_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_period_kind_display()} {self.year}: {self.due_on:%d/%m/%Y}"
