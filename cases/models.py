from collections.abc import Collection
from typing import Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import OwnedQuerySet, Principal, ScopedQuerySet, unit_scope
from cases.choices import (
    ArchiveReason,
    Attempt,
    CaseKind,
    CaseStatus,
    Channel,
    Complexity,
    DayKind,
    DeadlineStep,
    Designation,
    EventKind,
    LetterContent,
    LetterDisposition,
    Outcome,
)
from core.dates import PAST_DATE_VALIDATORS, check_not_before
from core.text import fold
from core.uploads import ScanStatus
from core.validators import NOT_NEGATIVE


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
    def active(self) -> Self:
        """Cases that count: not voided and not merged into another as a duplicate."""
        return self.filter(ACTIVE)

    def not_closed(self) -> Self:
        """Cases still being worked on (a dialogue can still discuss them)."""
        return self.exclude(status=CaseStatus.CLOSED)


# A case in the register: not voided, not merged into another (CaseQuerySet.active()).
ACTIVE = models.Q(is_void=False, merged_into__isnull=True)


class Case(models.Model):
    """A case (vụ việc): one matter brought by one or more people, handled by one unit until it is closed.

    Letters, cases, visits and people are four different counts. A case is opened from a letter (which may
    itself come from a reception visit); later letters on the same matter attach to it.
    """

    SCOPE_FIELD = "unit"
    # The cases whose complainant is protected, as a query (`is_confidential` for a case in hand).
    CONFIDENTIAL = models.Q(kind=CaseKind.DENUNCIATION)

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="cases", verbose_name=_("handling unit")
    )
    number = models.CharField(_("case number"), max_length=32)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    field = models.ForeignKey(CaseField, on_delete=models.PROTECT, related_name="cases", verbose_name=_("field"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_on = models.DateField(_("received on"), validators=PAST_DATE_VALIDATORS)
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
    other_complainants = models.TextField(_("other complainants / denouncers"), blank=True)
    respondent = models.CharField(_("person or body complained about"), max_length=300, blank=True)
    source_visit = models.OneToOneField(
        "citizens.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opened_case",
        verbose_name=_("opened at visit"),
    )
    attempt = models.CharField(
        _("first or second time"), max_length=8, choices=Attempt.choices[1:], default=Attempt.FIRST
    )
    previous_case = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_cases",
        verbose_name=_("first-time case"),
    )
    complexity = models.CharField(_("complexity"), max_length=16, choices=Complexity.choices, default=Complexity.NORMAL)
    is_remote_area = models.BooleanField(
        _("remote, difficult area"), default=False, help_text=_("Gives the longer statutory periods.")
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_cases",
        verbose_name=_("handler"),
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, validators=PAST_DATE_VALIDATORS)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True, validators=PAST_DATE_VALIDATORS)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, validators=PAST_DATE_VALIDATORS)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    # A conclusion or decision signed on paper and recorded by the register keeper (services.case_record_decision):
    # its number and who signed it; its date is `concluded_on`, its scan an attachment. Empty when the conclusion
    # was approved in the app (the "conclude" move).
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_signer = models.CharField(_("signed by"), max_length=200, blank=True)
    money_returned = models.DecimalField(
        _("money returned (VND)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    land_returned = models.DecimalField(
        _("land returned (m²)"),
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    people_disciplined = models.PositiveIntegerField(_("people disciplined"), null=True, blank=True)
    result_notes = models.TextField(_("results"), blank=True)
    # Designated flags (over-level, hot spot, focus list) are CaseDesignation rows with their reasons;
    # these booleans mirror the active ones so lists can filter on them with an index.
    is_over_level = models.BooleanField(_("over-level"), default=False, editable=False)
    is_hot_spot = models.BooleanField(_("hot spot"), default=False, editable=False)
    is_focus = models.BooleanField(_("focus list"), default=False, editable=False)
    due_on = models.DateField(_("current due date"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        verbose_name=_("merged into"),
    )
    is_void = models.BooleanField(_("voided"), default=False)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    # Folded, diacritic-free text for search: `search_text` holds what anyone in scope may search (number,
    # summary, respondent); `identity_text` the complainants' names, searchable only where identities may be seen.
    search_text = models.TextField(editable=False, default="")
    identity_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["search_text", "identity_text"])
    objects = CaseQuerySet.as_manager()
    # Set by accounts.confidentiality.mask_records on the records a page lists: whether who is behind it is hidden.
    identity_masked: bool

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_on", "-pk"]
        indexes = [
            # The register's orders, for the live cases every list shows (partial: a list's count and its deep
            # pages read the index alone instead of checking each case's row for is_void and merged_into).
            models.Index(fields=["unit", "-received_on"], name="case_unit_received_idx", condition=ACTIVE),
            models.Index(fields=["status", "due_on"], name="case_status_due_idx"),
            models.Index(fields=["-received_on", "-id"], name="case_received_idx", condition=ACTIVE),
            # Cases concluded in a period (the report's resolved cases, by unit and late).
            models.Index(
                fields=["concluded_on"],
                name="case_concluded_idx",
                condition=ACTIVE & models.Q(concluded_on__isnull=False),
            ),
        ]
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
        return _("Case %(number)s") % {"number": self.number}

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", kwargs={"pk": self.pk})

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        super().clean_fields(exclude)
        if self.unit_id:
            check_not_before(self, ["received_on"], lambda: self.unit.records_from(), exclude)

    @staticmethod
    def search_text_for(*, number: str, summary: str, respondent: str) -> str:
        """The folded text anyone in scope may search a case by. The one formula: save(), imports and the data
        generator all come here (the generator passes parts it folded already; folding is idempotent)."""
        return fold(f"{number} {summary} {respondent}")

    @staticmethod
    def identity_text_for(*, complainant_name: str, complainant_address: str, other_complainants: str) -> str:
        """The folded names of who brought the case, searchable only where identities may be seen."""
        return fold(f"{complainant_name} {complainant_address} {other_complainants}")

    def refresh_search_text(self) -> None:
        self.search_text = self.search_text_for(number=self.number, summary=self.summary, respondent=self.respondent)

    def refresh_identity_text(self) -> None:
        """Called by whatever changes who brought the case (services, imports), not by save(): it reads the
        complainant, a query when not loaded."""
        complainant = self.complainant if self.complainant_id else None
        self.identity_text = self.identity_text_for(
            complainant_name=complainant.full_name if complainant else "",
            complainant_address=complainant.address if complainant else "",
            other_complainants=self.other_complainants,
        )

    @property
    def is_confidential(self) -> bool:
        """A denunciation: who brought it is protected (the rule: accounts/confidentiality.py)."""
        return self.kind == CaseKind.DENUNCIATION


# A letter with one of these contents may name a denouncer: a denunciation; several contents (one of them may be a
# denunciation); not yet classified (it may turn out a denunciation, so its sender stays hidden until someone who
# may see identities classifies it as something else).
CONFIDENTIAL_CONTENTS = ("", LetterContent.DENUNCIATION, LetterContent.MULTIPLE)


# A letter still to be handled: not voided, no disposition yet (its processing deadline is running).
OPEN_LETTER = models.Q(is_void=False, disposition="")


class LetterQuerySet(ScopedQuerySet):
    def active(self) -> Self:
        return self.filter(is_void=False)


class Letter(models.Model):
    """A letter (đơn) received by a unit, classified by its content. A letter becomes a case, joins an
    existing case, or is guided, transferred, urged or archived. Counted separately from cases."""

    SCOPE_FIELD = "unit"
    # The letters whose sender is protected, as a query (`is_confidential` for a letter in hand).
    CONFIDENTIAL = models.Q(content__in=CONFIDENTIAL_CONTENTS) | models.Q(case__kind=CaseKind.DENUNCIATION)

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="letters", verbose_name=_("receiving unit")
    )
    number = models.CharField(_("register number"), max_length=32)
    received_on = models.DateField(_("received on"), validators=PAST_DATE_VALIDATORS)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    source_visit = models.ForeignKey(
        "citizens.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("received at visit"),
    )
    sender = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("sender"),
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    signers_count = models.PositiveIntegerField(
        _("number of signers"), default=1, validators=[MinValueValidator(1, _("A letter has at least one signer."))]
    )
    transferred_from = models.CharField(_("transferred from"), max_length=300, blank=True)
    title = models.CharField(_("title as written"), max_length=300, blank=True)
    summary = models.TextField(_("content"))
    content = models.CharField(_("classification by content"), max_length=16, choices=LetterContent.choices, blank=True)
    field = models.ForeignKey(
        CaseField, on_delete=models.PROTECT, null=True, blank=True, related_name="letters", verbose_name=_("field")
    )
    is_processable = models.BooleanField(_("processable"), null=True, blank=True)
    missing_element = models.CharField(_("what makes it unprocessable"), max_length=300, blank=True)
    within_competence = models.BooleanField(_("within the unit's competence"), null=True, blank=True)
    disposition = models.CharField(_("handling"), max_length=16, choices=LetterDisposition.choices, blank=True)
    disposed_on = models.DateField(_("handled on"), null=True, blank=True, validators=PAST_DATE_VALIDATORS)
    # The processing deadline (cases.deadlines.letter_due_on, set at registration): met once the letter is handled.
    due_on = models.DateField(_("to be handled by"), null=True, blank=True, editable=False)
    competent_body = models.CharField(_("competent body"), max_length=300, blank=True)
    archive_reason = models.CharField(
        _("reason for archiving"), max_length=20, choices=ArchiveReason.choices, blank=True
    )
    retain_until = models.DateField(_("keep until"), null=True, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="letters", verbose_name=_("case")
    )
    is_void = models.BooleanField(_("voided"), default=False)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = LetterQuerySet.as_manager()
    # Set by accounts.confidentiality.mask_records on the records a page lists: whether who is behind it is hidden.
    identity_masked: bool

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "-received_on"], name="letter_unit_received_idx"),
            # The register's order (newest first) across a whole city: without it every list page sorts all letters.
            models.Index(fields=["-received_on", "-id"], name="letter_received_idx"),
            # The letters still to be handled, by due date (the due-soon and overdue lists).
            models.Index(fields=["due_on", "id"], name="letter_open_due_idx", condition=OPEN_LETTER),
        ]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="unique_letter_number_per_unit")]

    def __str__(self) -> str:
        return _("Letter %(number)s") % {"number": self.number}

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cases:letter_detail", kwargs={"pk": self.pk})

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        super().clean_fields(exclude)
        if self.unit_id:
            check_not_before(self, ["received_on"], lambda: self.unit.records_from(), exclude)

    @staticmethod
    def search_text_for(*, number: str, title: str, summary: str) -> str:
        """The folded text a letter is searched by; the one formula (save(), imports, the data generator)."""
        return fold(f"{number} {title} {summary}")

    def refresh_search_text(self) -> None:
        self.search_text = self.search_text_for(number=self.number, title=self.title, summary=self.summary)

    @property
    def is_confidential(self) -> bool:
        """A denunciation, a letter of several contents (one may be a denunciation), a letter not yet classified, or
        a letter of a denunciation case: its sender is protected (the rule: accounts/confidentiality.py). Reads
        `case` (select it)."""
        if self.content in CONFIDENTIAL_CONTENTS:
            return True
        case = self.case if self.case_id is not None else None
        return case is not None and case.is_confidential


class DeadlineRule(models.Model):
    """A statutory time limit, with its legal basis. Administrators edit these as the laws change (Law
    136/2025/QH15 amends the laws on complaints, denunciations and citizen reception from 1 Jul 2026)."""

    step = models.CharField(_("step"), max_length=24, choices=DeadlineStep.choices)
    case_kind = models.CharField(_("case kind"), max_length=16, choices=CaseKind.choices, blank=True)
    attempt = models.CharField(_("first or second time"), max_length=8, choices=Attempt.choices, blank=True)
    complexity = models.CharField(_("complexity"), max_length=16, choices=Complexity.choices, blank=True)
    remote_area = models.BooleanField(_("remote area"), null=True, blank=True, help_text=_("Empty: any."))
    days = models.PositiveSmallIntegerField(_("days"))
    day_kind = models.CharField(_("counted in"), max_length=8, choices=DayKind.choices)
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("days per extension"), default=0)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["step", "case_kind", "attempt", "complexity"]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.days} {self.get_day_kind_display()} ({self.legal_basis})"


class Holiday(models.Model):
    """A day off (or a weekend day declared a working day) for working-day deadlines. Seeded from the
    `holidays` package for 2024–2027; administrators add the Government's yearly announcements."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    is_working_day = models.BooleanField(
        _("declared a working day"), default=False, help_text=_("Tick for a weekend day worked in exchange.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class CaseDeadline(models.Model):
    """A deadline of one step of a case, with the rule and the date it was counted from: the case page
    explains its due date from these rows."""

    SCOPE_FIELD = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("case"))
    step = models.CharField(_("step"), max_length=24, choices=DeadlineStep.choices)
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule"))
    counted_from = models.DateField(_("counted from"))
    due_on = models.DateField(_("due on"))
    met_on = models.DateField(_("done on"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case deadline")
        verbose_name_plural = _("case deadlines")
        ordering = ["counted_from", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="unique_case_deadline_step")]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.due_on:%d/%m/%Y}"


class DeadlineExtension(models.Model):
    """A recorded decision extending a deadline: who, when, why, and the new due date."""

    deadline = models.ForeignKey(
        CaseDeadline, on_delete=models.PROTECT, related_name="extension_records", verbose_name=_("deadline")
    )
    decision_number = models.CharField(_("decision number"), max_length=100)
    reason = models.TextField(_("reason"))
    previous_due_on = models.DateField(_("previous due date"))
    new_due_on = models.DateField(_("new due date"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    decided_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["decided_at"]

    def __str__(self) -> str:
        return f"{self.decision_number}: {self.previous_due_on:%d/%m/%Y} → {self.new_due_on:%d/%m/%Y}"


class CaseDesignation(models.Model):
    """A committee's designation of a case as over-level, a hot spot or on the focus list, with its reason.
    Lifting it keeps the row (who lifted it, when)."""

    SCOPE_FIELD = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="designations", verbose_name=_("case"))
    kind = models.CharField(_("flag"), max_length=16, choices=Designation.choices)
    reason = models.TextField(_("reason"))
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("designated by")
    )
    designated_at = models.DateTimeField(_("designated at"), auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case designation")
        verbose_name_plural = _("case designations")
        ordering = ["designated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=models.Q(lifted_at__isnull=True), name="one_active_designation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.case}"


class CaseEvent(models.Model):
    """One line of a case's timeline: who did what, when, old → new."""

    SCOPE_FIELD = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=CaseStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.unit_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A document of a case or letter, stored outside the web root and served only through the scope gate.
    Attachments of a denunciation may show the denouncer's handwriting: they are confidential too."""

    SCOPE_FIELD = "unit"

    ScanStatus = ScanStatus

    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments", verbose_name=_("case")
    )
    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments", verbose_name=_("letter")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    scan_status = models.CharField(_("virus scan"), max_length=16, choices=ScanStatus.choices)
    scan_detail = models.CharField(_("scan detail"), max_length=300, blank=True)
    is_void = models.BooleanField(_("voided"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(letter__isnull=False),
                name="attachment_belongs_somewhere",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("cases:attachment_download", kwargs={"pk": self.pk})

    @property
    def is_confidential(self) -> bool:
        """A document of a protected case or letter may show the denouncer's name or hand (the rule:
        accounts/confidentiality.py)."""
        owner = self.case if self.case_id else self.letter
        assert owner is not None  # a document belongs to a case or a letter (attachment_belongs_somewhere)
        return owner.is_confidential


class SavedFilter(models.Model):
    """A user's named filter of the case list (the query string of the list page)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")

    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filter"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    OWNER_FIELD = "user"
    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_saved_filter_name")]

    def __str__(self) -> str:
        return self.name


class ExportJob(models.Model):
    """An export of the filtered case list, run in a worker when large. The file is kept outside the web root
    and served only to the user who asked for it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs")

    format = models.CharField(_("format"), max_length=8, choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    query = models.CharField(_("filter"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True, max_length=300)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    OWNER_FIELD = "user"
    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} · {self.created_at:%d/%m/%Y %H:%M}"


class Note(models.Model):
    """An internal note on a case or a letter (exactly one): who wrote what, when. Seen by whoever sees the record,
    never searched, never deleted (its history keeps every version)."""

    SCOPE_FIELD = "unit"

    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="notes", verbose_name=_("case")
    )
    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="notes", verbose_name=_("letter")
    )
    text = models.TextField(_("note"), max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, letter__isnull=True)
                | models.Q(case__isnull=True, letter__isnull=False),
                name="note_belongs_to_one_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author} · {self.created_at:%d/%m/%Y %H:%M}" if self.created_at else str(self.author)


class TransferStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    REGISTERED = "registered", _("Registered by the receiver")
    RETURNED = "returned", _("Returned")


class TransferQuerySet(ScopedQuerySet):
    """A transfer concerns two units. `visible_to` is the receiver's side (SCOPE_FIELD: the receiving unit, its
    inbox); `sent_from` the sender's (the letter's or case's page, urging)."""

    def sent_from(self, user: Principal, action: str) -> Self:
        scope = unit_scope(user, action)
        if scope.everything:
            return self
        return self.filter(from_unit__in=scope.unit_ids) if scope.unit_ids else self.none()


class Transfer(models.Model):
    """A letter or a case transferred to the competent body (Circular 05/2021/TT-TTCP, DESIGN §8 "Transfers"): to
    another unit of the system, which acknowledges it, registers it in its own register or returns it, or to a body
    outside the system, named as free text (nothing follows it but the sender's urging). Never deleted; its
    history keeps every step."""

    SCOPE_FIELD = "to_unit"

    from_unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="transfers_sent", verbose_name=_("from unit")
    )
    to_unit = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_received",
        verbose_name=_("to unit"),
    )
    outside_body = models.CharField(_("body outside the system"), max_length=300, blank=True)
    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers", verbose_name=_("letter")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers", verbose_name=_("case")
    )
    reason = models.TextField(_("reason for the transfer"), max_length=4000)
    status = models.CharField(_("status"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.SENT)
    sent_on = models.DateField(_("sent on"), validators=PAST_DATE_VALIDATORS)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    received_on = models.DateField(_("acknowledged on"), null=True, blank=True, validators=PAST_DATE_VALIDATORS)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    # The receiver's own letter, registered from the transferred one (its `transferred_from` names the sender).
    registered_letter = models.OneToOneField(
        Letter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_in",
        verbose_name=_("registered as"),
    )
    closed_on = models.DateField(_("registered or returned on"), null=True, blank=True, validators=PAST_DATE_VALIDATORS)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered or returned by"),
    )
    return_reason = models.TextField(_("reason for returning"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = TransferQuerySet.as_manager()
    # Set by accounts.confidentiality.mask_records (for the receiving unit): whether the sender is hidden.
    identity_masked: bool

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-sent_on", "-pk"]
        indexes = [models.Index(fields=["to_unit", "status"], name="transfer_to_unit_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(letter__isnull=False, case__isnull=True)
                | models.Q(letter__isnull=True, case__isnull=False),
                name="transfer_of_one_record",
            ),
            models.CheckConstraint(
                condition=models.Q(to_unit__isnull=False, outside_body="")
                | (models.Q(to_unit__isnull=True) & ~models.Q(outside_body="")),
                name="transfer_to_one_body",
            ),
        ]

    def __str__(self) -> str:
        return _("Transfer of %(record)s") % {"record": self.record}

    def get_absolute_url(self) -> str:
        return reverse("cases:transfer_detail", kwargs={"pk": self.pk})

    @property
    def record(self) -> "Letter | Case":
        record = self.letter if self.letter_id else self.case
        assert record is not None  # transfer_of_one_record
        return record

    @property
    def receiver_name(self) -> str:
        return self.to_unit.name if self.to_unit_id and self.to_unit else self.outside_body

    @property
    def is_confidential(self) -> bool:
        """The transferred record protects its sender (a denunciation): so does the transfer."""
        return self.record.is_confidential


class TransferUrge(models.Model):
    """The sender's urging of a transfer left without acknowledgement or result: a recorded step with its date and
    note, not a disposition of the letter. Each urge restarts the urging clock (cases.transfers.may_urge)."""

    SCOPE_FIELD = "transfer__from_unit"

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="urges", verbose_name=_("transfer"))
    on = models.DateField(_("urged on"), validators=PAST_DATE_VALIDATORS)
    note = models.TextField(_("note"), max_length=4000, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("urge")
        verbose_name_plural = _("urges")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.transfer} · {self.on:%d/%m/%Y}"
