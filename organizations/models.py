from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

from core.text import fold
from organizations.choices import DivisionType, UnitKind
from organizations.scoping import ScopedQuerySet


def existing_on(on: date | None = None, prefix: str = "") -> models.Q:
    """Condition for units that exist on a date (today by default); `prefix` reaches a unit through a relation."""
    on = on or timezone.localdate()
    return (models.Q(**{f"{prefix}valid_from__isnull": True}) | models.Q(**{f"{prefix}valid_from__lte": on})) & (
        models.Q(**{f"{prefix}valid_to__isnull": True}) | models.Q(**{f"{prefix}valid_to__gte": on})
    )


class UnitQuerySet(TreeQuerySet, ScopedQuerySet):
    def current(self, on: date | None = None) -> "UnitQuerySet":
        """Units that exist on a date (today by default)."""
        return self.filter(existing_on(on))


class Unit(TreeNode):
    """A node of the unit tree: a party committee, a commune/ward, a grassroots organization or a cell.

    Both eras of Hanoi live in one tree: units abolished by a reorganisation keep their rows with `valid_to`
    set, and UnitSuccession says which units took them over, so their records stay attached and can be
    recounted on today's units.
    """

    SCOPE_FIELD = "pk"

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    division_type = models.CharField(_("administrative type"), max_length=16, choices=DivisionType.choices, blank=True)
    code = models.CharField(
        _("official code"),
        max_length=16,
        blank=True,
        help_text=_("Code in the National Statistics Office list, where the unit has one."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    search_text = models.CharField(max_length=250, editable=False, db_index=True)

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            # Official codes are reused: a new ward often takes the code of one of the wards merged into it,
            # so a code is unique only among the units of one period.
            models.UniqueConstraint(
                fields=["code", "valid_to"],
                condition=~models.Q(code=""),
                name="unique_unit_code_per_period",
                violation_error_message=_("Another unit of the same period already has this official code."),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code="") & models.Q(valid_to__isnull=True),
                name="unique_current_unit_code",
                violation_error_message=_("A current unit already has this official code."),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_to")),
                name="unit_valid_period_ordered",
                violation_error_message=_("The end of validity must not be before its start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:unit_detail", kwargs={"pk": self.pk})

    def save(self, *args, **kwargs) -> None:
        self.search_text = fold(f"{self.name} {self.code}")
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.kind == UnitKind.CITY and self.parent_id is not None:
            raise ValidationError({"parent": _("The city committee is the top of the tree and has no parent.")})
        if self.kind != UnitKind.CITY and self.parent_id is None:
            raise ValidationError({"parent": _("Every unit except the city committee belongs to a parent unit.")})


class Reorganisation(models.Model):
    """An event that changed the tree, such as the 2025 merger of Hanoi's communes and wards."""

    name = models.CharField(_("name"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    effective_date = models.DateField(_("effective date"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-effective_date"]

    def __str__(self) -> str:
        return self.name


class UnitSuccession(models.Model):
    """One edge of a reorganisation: `predecessor` (or part of it) became part of `successor`.

    A merged ward has one row per old ward; a split ward has one row per successor. Scope follows these edges,
    so a user of a new ward also sees the records of the wards it replaced.
    """

    reorganisation = models.ForeignKey(
        Reorganisation, on_delete=models.PROTECT, related_name="successions", verbose_name=_("reorganisation")
    )
    predecessor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="successor_links", verbose_name=_("former unit")
    )
    successor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="predecessor_links", verbose_name=_("successor unit")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="unique_unit_succession",
                violation_error_message=_("This succession is already recorded."),
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="unit_succession_not_self",
                violation_error_message=_("A unit cannot succeed itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
