from collections.abc import Collection
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet
from citizens.choices import CaseKind, DutyPeriod, HeadPosition, SessionKind, SessionMode, SessionStatus, VisitOutcome
from citizens.validators import validate_national_id, validate_phone
from core.dates import DATE_VALIDATORS, check_not_before
from core.text import fold
from organizations.choices import UnitKind


class Citizen(models.Model):
    """A person who came to a reception or sent a letter. Personal data (Decree 13/2023/NĐ-CP): kept by the
    unit that recorded it and shown only within that unit's scope."""

    SCOPE_FIELD = "unit"

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="citizens", verbose_name=_("recorded by")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    national_id = models.CharField(
        _("citizen identity number (CCCD)"), max_length=12, blank=True, validators=[validate_national_id]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=300, blank=True)
    residence = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        limit_choices_to={"kind": UnitKind.COMMUNE, "valid_to__isnull": True},
        verbose_name=_("commune/ward of residence"),
    )
    search_text = models.TextField(editable=False, default="")
    # Set when a disposal took away the person's data (retention app): the row stays for the records that name it.
    is_anonymised = models.BooleanField(_("anonymised"), default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        ordering = ["full_name", "pk"]
        # The register's alphabetical order: a page walks it instead of sorting every citizen of the scope.
        indexes = [
            models.Index(fields=["full_name", "id"], name="citizen_name_idx"),
            # The same person across units (duplicates, repeat visitors) is looked up by identity number.
            models.Index(fields=["national_id"], condition=~models.Q(national_id=""), name="citizen_national_id_idx"),
            # ... or by name and address: search_text starts with the folded name (a prefix, which a B-tree answers
            # at once where the trigram index would read every citizen sharing a common address).
            models.Index(fields=["search_text"], opclasses=["text_pattern_ops"], name="citizen_search_prefix_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "national_id"],
                condition=~models.Q(national_id=""),
                name="unique_citizen_national_id_per_unit",
                violation_error_message=_("A citizen with this identity number is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("citizens:citizen_detail", kwargs={"pk": self.pk})

    @staticmethod
    def search_text_for(*, full_name: str, national_id: str, phone: str, address: str) -> str:
        """The folded text a citizen is searched by: the name first, the address last, so that the same name and
        address is a prefix and a suffix (same_name_and_address). The one formula: save(), the demo and the data
        generator (which passes parts it folded already; folding is idempotent)."""
        return fold(f"{full_name} | {national_id} | {phone} | {address}")

    @staticmethod
    def same_name_and_address(full_name: str, address: str) -> models.Q:
        """Citizens recorded with this name and address, whatever the accents and spacing (a B-tree prefix)."""
        name, address = fold(full_name), fold(address)
        if not (name and address):
            return models.Q(pk__in=[])
        return models.Q(search_text__startswith=f"{name} |", search_text__endswith=address)

    def refresh_search_text(self) -> None:
        self.search_text = self.search_text_for(
            full_name=self.full_name, national_id=self.national_id, phone=self.phone, address=self.address
        )


class ReceptionSessionQuerySet(ScopedQuerySet):
    def active(self) -> Self:
        return self.filter(is_void=False)


class ReceptionSession(models.Model):
    """A reception session (buổi tiếp công dân) held or scheduled by a unit."""

    SCOPE_FIELD = "unit"

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="reception_sessions", verbose_name=_("unit")
    )
    number = models.CharField(_("register number"), max_length=32)
    kind = models.CharField(_("kind of session"), max_length=16, choices=SessionKind.choices)
    mode = models.CharField(_("mode"), max_length=16, choices=SessionMode.choices, default=SessionMode.DIRECT)
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.HELD)
    starts_at = models.DateTimeField(_("date and time"), validators=DATE_VALIDATORS)
    place = models.CharField(_("place"), max_length=300)
    head_position = models.CharField(
        _("duty of"),
        max_length=32,
        choices=HeadPosition.choices,
        blank=True,
        help_text=_("For a session that fulfils a head's duty to receive citizens."),
    )
    head_in_person = models.BooleanField(
        _("the head hosted in person"),
        default=False,
        help_text=_("Leave unticked when the head delegated (ủy quyền) the session to someone else."),
    )
    host_name = models.CharField(_("host"), max_length=150)
    host_title = models.CharField(_("host's position"), max_length=150, blank=True)
    officials_present = models.TextField(_("officials present"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    is_void = models.BooleanField(_("voided"), default=False)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = ReceptionSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("reception session")
        verbose_name_plural = _("reception sessions")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "-starts_at"], name="session_unit_date_idx"),
            # The list's order (newest first) at city scope, so a page reads 50 rows instead of sorting them all.
            models.Index(fields=["-starts_at", "-id"], name="session_starts_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="unique_session_number_per_unit"),
            models.CheckConstraint(
                condition=~models.Q(head_in_person=True, head_position=""),
                name="session_in_person_needs_head",
                violation_error_message=_("Say whose duty the session fulfils before marking it hosted in person."),
            ),
        ]

    def __str__(self) -> str:
        return _("Session %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("citizens:session_detail", kwargs={"pk": self.pk})

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        super().clean_fields(exclude)
        # A held session in the future is refused by citizens.services.validate_session (a scheduled one is not).
        if self.unit_id:
            check_not_before(self, ["starts_at"], lambda: self.unit.records_from(), exclude)

    def clean(self) -> None:
        super().clean()
        if self.head_in_person and not self.head_position:
            raise ValidationError(
                {"head_position": _("Say whose duty the session fulfils before marking it hosted in person.")}
            )


class VisitQuerySet(ScopedQuerySet):
    def active(self) -> Self:
        return self.filter(is_void=False)


class Visit(models.Model):
    """One visit (lượt tiếp) within a session: one person, or a group speaking on one matter.

    Statistics count visits, people (people_count) and cases (a visit that received a letter opens one)
    separately. A group large enough is a mass delegation (đoàn đông người; citizens.delegations).
    """

    SCOPE_FIELD = "session__unit"
    # The visits whose citizen is protected, as a query (`is_confidential` for a visit in hand; the rule:
    # accounts/confidentiality.py).
    CONFIDENTIAL = models.Q(content_kind=CaseKind.DENUNCIATION) | models.Q(opened_case__kind=CaseKind.DENUNCIATION)

    session = models.ForeignKey(
        ReceptionSession, on_delete=models.PROTECT, related_name="visits", verbose_name=_("session")
    )
    citizen = models.ForeignKey(
        Citizen,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("citizen (or representative of the group)"),
    )
    people_count = models.PositiveIntegerField(
        _("number of people"), default=1, validators=[MinValueValidator(1, _("A visit has at least one person."))]
    )
    is_mass_delegation = models.BooleanField(_("mass delegation (đoàn đông người)"), default=False)
    representatives = models.TextField(_("other representatives of the group"), blank=True)
    content = models.TextField(_("content"))
    content_kind = models.CharField(_("nature of the content"), max_length=16, blank=True, choices=CaseKind.choices)
    field = models.ForeignKey(
        "cases.CaseField", on_delete=models.PROTECT, related_name="visits", verbose_name=_("field")
    )
    is_repeat = models.BooleanField(_("repeat visit on the same matter"), default=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=VisitOutcome.choices)
    transferred_to = models.CharField(_("transferred to"), max_length=300, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    is_void = models.BooleanField(_("voided"), default=False)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = VisitQuerySet.as_manager()
    # Set by accounts.confidentiality.mask_records on the records a page lists: whether who is behind it is hidden.
    identity_masked: bool

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["session", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people_count__gte=1),
                name="visit_people_count_positive",
                violation_error_message=_("A visit has at least one person."),
            ),
        ]

    def __str__(self) -> str:
        return _("Visit by %(citizen)s") % {"citizen": self.citizen}

    def get_absolute_url(self) -> str:
        return f"{self.session.get_absolute_url()}#visit-{self.pk}"

    @property
    def is_confidential(self) -> bool:
        """A denunciation brought at the visit, or a visit that opened a denunciation case: who came is protected.
        Reads `opened_case` (select it)."""
        if self.content_kind == CaseKind.DENUNCIATION:
            return True
        case = getattr(self, "opened_case", None) if self.pk else None
        return case is not None and case.kind == CaseKind.DENUNCIATION


class Dialogue(models.Model):
    """What a dialogue session (đối thoại) adds: the two sides, the result, the cases discussed, and closure
    with minutes and the number of attendees."""

    SCOPE_FIELD = "session__unit"

    session = models.OneToOneField(
        ReceptionSession, on_delete=models.PROTECT, related_name="dialogue", verbose_name=_("session")
    )
    authority_side = models.TextField(_("participants for the authorities"), blank=True)
    citizen_side = models.TextField(_("participants for the citizens"), blank=True)
    content = models.TextField(_("content"), blank=True)
    result = models.TextField(_("result"), blank=True)
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="dialogues", verbose_name=_("cases"))
    attendees_count = models.PositiveIntegerField(_("number of attendees"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[cases])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")

    def __str__(self) -> str:
        return _("Dialogue of %(session)s") % {"session": self.session}


class ReceptionDutyRule(models.Model):
    """How often a head must receive citizens in person: a rules table, because the rules change
    (Regulation 11-QĐi/TW 2019 as amended by Conclusion 215-KL/TW 2025; Law on Citizen Reception 2013)."""

    unit_kind = models.CharField(_("level"), max_length=16, choices=UnitKind.choices)
    head_position = models.CharField(_("head"), max_length=32, choices=HeadPosition.choices)
    min_days = models.PositiveSmallIntegerField(_("minimum days"))
    period = models.CharField(_("per"), max_length=8, choices=DutyPeriod.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty to receive rule")
        verbose_name_plural = _("duty to receive rules")
        ordering = ["unit_kind", "head_position"]

    def __str__(self) -> str:
        return (
            f"{self.get_head_position_display()} ({self.get_unit_kind_display()}): "
            f"≥ {self.min_days} {self.get_period_display()}"
        )
