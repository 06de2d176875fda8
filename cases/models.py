from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.choices import CaseKind, CaseStatus, Channel
from core.text import fold
from organizations.scoping import ScopedQuerySet


class CaseField(models.Model):
    """A field (lĩnh vực) of letters, visits and cases: land, site clearance, housing, ... A table, not code,
    because the statistics forms of the inspectorate change it from time to time."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CaseQuerySet(ScopedQuerySet):
    pass


class Case(models.Model):
    """A case (vụ việc): one matter brought by one or more people, handled by one unit until it is closed.

    Letters, cases, visits and people are four different counts; a case may come from a reception visit
    (`source_visit`), by post, by transfer or online.
    """

    SCOPE_FIELD = "unit"

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="cases", verbose_name=_("handling unit")
    )
    number = models.CharField(_("case number"), max_length=32)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    field = models.ForeignKey(CaseField, on_delete=models.PROTECT, related_name="cases", verbose_name=_("field"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("summary"))
    people_count = models.PositiveIntegerField(
        _("number of people"), default=1, validators=[MinValueValidator(1, _("A case concerns at least one person."))]
    )
    complainant = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("complainant / denouncer"),
    )
    source_visit = models.OneToOneField(
        "citizens.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opened_case",
        verbose_name=_("opened at visit"),
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number"],
                name="unique_case_number_per_unit",
                violation_error_message=_("This unit already has a case with this number."),
            ),
            models.CheckConstraint(
                condition=models.Q(people_count__gte=1),
                name="case_people_count_positive",
                violation_error_message=_("A case concerns at least one person."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        self.search_text = fold(f"{self.number} {self.summary}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", kwargs={"pk": self.pk})
