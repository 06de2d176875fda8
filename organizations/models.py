from datetime import date
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

from accounts.scoping import ScopedQuerySet
from core.dates import DATE_VALIDATORS, PAST_DATE_VALIDATORS, earliest_date, validate_plausible_year
from core.text import fold
from core.validators import NOT_NEGATIVE
from organizations.choices import (
    DivisionType,
    DossierOrigin,
    DossierStatus,
    InspectionKind,
    RatingLevel,
    TaskStatus,
    TaskType,
    UnitKind,
)


def existing_on(on: date | None = None, prefix: str = "") -> models.Q:
    """Condition for units that exist on a date (today by default); `prefix` reaches a unit through a relation."""
    on = on or timezone.localdate()
    return (models.Q(**{f"{prefix}valid_from__isnull": True}) | models.Q(**{f"{prefix}valid_from__lte": on})) & (
        models.Q(**{f"{prefix}valid_to__isnull": True}) | models.Q(**{f"{prefix}valid_to__gte": on})
    )


class UnitQuerySet(TreeQuerySet, ScopedQuerySet):
    if TYPE_CHECKING:  # django-tree-queries ships no types: the TreeQuerySet methods this project calls

        def with_tree_fields(self, tree_fields: bool = True) -> Self: ...
        def ancestors(self, of: "Unit | int", *, include_self: bool = False) -> Self: ...
        def descendants(self, of: "Unit | int", *, include_self: bool = False) -> Self: ...

    def current(self, on: date | None = None) -> Self:
        """Units that exist on a date (today by default)."""
        return self.filter(existing_on(on))

    def committees(self) -> Self:
        """Today's units that keep the registers (reception, letters, reports): city, district and commune level."""
        return self.current().filter(kind__in=[UnitKind.CITY, UnitKind.DISTRICT, UnitKind.COMMUNE])


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
        self.refresh_search_text()
        super().save(*args, **kwargs)

    @staticmethod
    def search_text_for(*, name: str, code: str) -> str:
        """The folded text a unit is searched by; the one formula (save() and the data generator)."""
        return fold(f"{name} {code}")

    def refresh_search_text(self) -> None:
        self.search_text = self.search_text_for(name=self.name, code=self.code)

    def records_from(self) -> date:
        """The earliest date a record of this unit may carry: the day it came into being, or the earliest of the
        units it took over (their records, and letters they received, continue here); the register's floor
        (core.dates.earliest_date) where that day is not known."""
        floor = earliest_date()
        seen: set[int] = set()
        frontier = [self]
        starts: list[date] = []
        while frontier:
            units = [unit for unit in frontier if unit.pk not in seen]
            if not units:
                break
            seen.update(unit.pk for unit in units)
            for unit in units:
                if unit.valid_from is None:
                    return floor
                starts.append(unit.valid_from)
            frontier = list(Unit.objects.filter(successor_links__successor__in=units).distinct())
        return max(floor, min(starts)) if starts else floor

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


# Weak grassroots party organizations (DESIGN §3) --------------------------------------------------------------


class RatingRegulation(models.Model):
    """A regulation on rating party organizations' quality: which levels it has and, where it scores, the
    bands (Regulation 366-QĐ/TW of 2025: 100 points; ≥ 90, 70–< 90, 50–< 70, < 50). A table, not code."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    year_from = models.PositiveSmallIntegerField(_("applies from year"))
    year_to = models.PositiveSmallIntegerField(_("applies to year"), null=True, blank=True)
    has_weak_level = models.BooleanField(_("has the “weak” level"), default=False)
    uses_score = models.BooleanField(_("scores out of 100"), default=False)
    excellent_min = models.DecimalField(
        _("excellent from"), max_digits=5, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    good_min = models.DecimalField(
        _("good from"), max_digits=5, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    completed_min = models.DecimalField(
        _("completed from"), max_digits=5, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating regulation")
        verbose_name_plural = _("rating regulations")
        ordering = ["-year_from"]

    def __str__(self) -> str:
        return self.code

    def level_for_score(self, score) -> str | None:
        """The level a score gives under this regulation's bands."""
        if not self.uses_score or score is None:
            return None
        if score >= self.excellent_min:
            return RatingLevel.EXCELLENT
        if score >= self.good_min:
            return RatingLevel.GOOD
        if score >= self.completed_min:
            return RatingLevel.COMPLETED
        return RatingLevel.NOT_COMPLETED


class QualityRating(models.Model):
    """A party organization's rating for a year."""

    SCOPE_FIELD = "unit"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("organization"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_plausible_year])
    regulation = models.ForeignKey(
        RatingRegulation, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("regulation applied")
    )
    level = models.CharField(_("level"), max_length=16, choices=RatingLevel.choices)
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    reasons = models.TextField(_("reasons"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("quality rating")
        verbose_name_plural = _("quality ratings")
        ordering = ["-year", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="unique_rating_per_year",
                violation_error_message=_("This organization already has a rating for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year}: {self.get_level_display()}"


class WeakReason(models.Model):
    """An item of the checklist of reasons an organization is weak (internal disunity, discipline, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("reason for weakness")
        verbose_name_plural = _("reasons for weakness")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class WeakDossierQuerySet(ScopedQuerySet):
    def active(self) -> Self:
        return self.filter(is_void=False)

    def on_list(self, on: date) -> Self:
        """Organizations on the list of weak organizations on a date: identified by then and not yet taken off
        (nor handed over to a successor unit)."""
        return self.active().filter(
            models.Q(identified_on__lte=on),
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on),
        )


class WeakDossier(models.Model):
    """The dossier of a weak grassroots party organization (hồ sơ TCCSĐ yếu kém), with its consolidation plan
    (đề án củng cố): goals here, tasks in PlanTask. The organization's committee drafts and submits it; only the
    committee above approves it or returns it with comments."""

    SCOPE_FIELD = "unit"

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="weak_dossiers", verbose_name=_("organization")
    )
    year = models.PositiveSmallIntegerField(_("year rated"), validators=[validate_plausible_year])
    origin = models.CharField(_("identified by"), max_length=16, choices=DossierOrigin.choices)
    rating = models.ForeignKey(
        QualityRating,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("rating"),
    )
    identified_on = models.DateField(_("identified on"), validators=PAST_DATE_VALIDATORS)
    reasons = models.ManyToManyField(WeakReason, blank=True, related_name="dossiers", verbose_name=_("reasons"))
    other_reasons = models.TextField(_("other reasons"), blank=True)
    responsible_leader = models.CharField(
        _("responsible leader of the committee above"),
        max_length=200,
        blank=True,
        help_text=_("Name and position of the comrade in charge (đồng chí phụ trách)."),
    )
    goals = models.TextField(_("goals of the consolidation plan"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=DossierStatus.choices, default=DossierStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    reassessment = models.TextField(_("re-assessment"), blank=True)
    ended_on = models.DateField(
        _("left the list on"),
        null=True,
        blank=True,
        validators=PAST_DATE_VALIDATORS,
        help_text=_("Taken off the list, or handed over to the successor unit."),
    )
    carried_into_year = models.PositiveSmallIntegerField(_("carried into year"), null=True, blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("continued from the dossier of"),
    )
    is_void = models.BooleanField(_("voided"), default=False)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[reasons])
    objects = WeakDossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("weak organization dossier")
        verbose_name_plural = _("weak organization dossiers")
        ordering = ["-identified_on", "-pk"]
        indexes = [models.Index(fields=["unit", "identified_on"], name="dossier_unit_identified_idx")]

    def __str__(self) -> str:
        return _("Dossier of %(unit)s (%(year)s)") % {"unit": self.unit, "year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("organizations:dossier_detail", kwargs={"pk": self.pk})


class PlanTask(models.Model):
    """A concrete task of a consolidation plan: solution, type (cadre work is one), owner, deadline."""

    SCOPE_FIELD = "dossier__unit"

    dossier = models.ForeignKey(WeakDossier, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("dossier"))
    solution = models.TextField(_("solution"))
    task_type = models.CharField(_("task type"), max_length=16, choices=TaskType.choices)
    owner = models.CharField(_("in charge"), max_length=200)
    deadline = models.DateField(_("deadline"), validators=DATE_VALIDATORS)
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=PAST_DATE_VALIDATORS)
    is_void = models.BooleanField(_("voided"), default=False)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    # Set by organizations.selectors_weak.dossier_page on the tasks the dossier page lists: timeliness() today.
    timeliness_code: str

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.solution[:80]

    def timeliness(self, today: date) -> str:
        """done (on time or late), on time, or late — what both the ward and the district see."""
        if self.status == TaskStatus.DONE:
            return "done_late" if self.done_on and self.done_on > self.deadline else "done"
        return "late" if today > self.deadline else "on_time"


class TaskProgress(models.Model):
    """A dated progress note on a plan task, with optional evidence."""

    SCOPE_FIELD = "task__dossier__unit"

    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="progress", verbose_name=_("task"))
    on = models.DateField(_("date"), validators=PAST_DATE_VALIDATORS)
    note = models.TextField(_("progress"))
    evidence = models.FileField(_("evidence"), upload_to="evidence/", blank=True, max_length=300)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y}: {self.note[:60]}"


class Inspection(models.Model):
    """An inspection or urging visit (kiểm tra, đôn đốc) of a weak organization."""

    SCOPE_FIELD = "dossier__unit"

    dossier = models.ForeignKey(
        WeakDossier, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("dossier")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices)
    on = models.DateField(_("date"), validators=PAST_DATE_VALIDATORS)
    team = models.TextField(_("team"))
    findings = models.TextField(_("findings"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}"


class InspectionConclusion(models.Model):
    """A conclusion of an inspection, tracked as an action item until implemented ("conclusions after
    inspection implemented" is a report figure)."""

    SCOPE_FIELD = "inspection__dossier__unit"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="conclusions", verbose_name=_("inspection")
    )
    text = models.TextField(_("conclusion"))
    deadline = models.DateField(_("deadline"), null=True, blank=True, validators=DATE_VALIDATORS)
    done_on = models.DateField(_("implemented on"), null=True, blank=True, validators=PAST_DATE_VALIDATORS)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection conclusion")
        verbose_name_plural = _("inspection conclusions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]


class DossierEvent(models.Model):
    """One line of a dossier's timeline: submission, return with comments, approval, comments, ..."""

    SCOPE_FIELD = "dossier__unit"

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        TRANSITION = "transition", _("Status changed")
        COMMENT = "comment", _("Comment")
        TASK = "task", _("Plan task")
        INSPECTION = "inspection", _("Inspection")
        CARRIED = "carried", _("Carried over")

    dossier = models.ForeignKey(WeakDossier, on_delete=models.PROTECT, related_name="events", verbose_name=_("dossier"))
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=DossierStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=DossierStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.get_kind_display()}"


class DossierSubmission(models.Model):
    """What went up with one submission of a dossier, as on paper: the covering note (tờ trình) and the signed
    consolidation plan (đề án, the scan of the signed copy). One per submission, so a dossier returned and sent up
    again keeps what each round carried; the reviewer reads the latest."""

    SCOPE_FIELD = "dossier__unit"

    dossier = models.ForeignKey(
        WeakDossier, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("dossier")
    )
    covering_note = models.CharField(_("covering note"), max_length=1000)
    signed_plan = models.FileField(_("signed plan"), upload_to="dossiers/plans/", max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier submission")
        verbose_name_plural = _("dossier submissions")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.at:%d/%m/%Y}"
