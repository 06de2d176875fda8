from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet


def import_file_path(instance: "ImportBatch", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"imports/{instance.unit_id}/{instance.sha256[:2]}/{instance.sha256}.{extension}"


class ImportBatch(models.Model):
    """One spreadsheet brought into a unit's registers: who, when, which file (kept outside the web root, with its
    SHA-256), the preview shown before confirmation and what the import did. A confirmed import is written in one
    transaction; its created records are listed in ImportedRecord and can be voided together."""

    SCOPE_FIELD = "unit"

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the rows")
        PREVIEWED = "previewed", _("Checked: waiting for confirmation")
        QUEUED = "queued", _("Confirmed: waiting for a worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        VOIDED = "voided", _("Voided")

    kind = models.CharField(_("kind of records"), max_length=16)
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("into the unit")
    )
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    language = models.CharField(max_length=8, default="vi")
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=300)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("to create"), default=0)
    updated_count = models.PositiveIntegerField(_("to update"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    # What the preview found: {"errors": [[row, column, message], ...] (capped), "error_rows": [...] (all),
    # "headings": [...], "create": [[cells], ...], "update": [[cells], ...] (the first rows of each), "file_errors"}
    report = models.JSONField(_("preview"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    previewed_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("voided by")
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "core_importbatch"
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "-created_at"], name="import_unit_created_idx")]

    def __str__(self) -> str:
        return _("Import %(number)s") % {"number": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("imports:batch_detail", kwargs={"pk": self.pk})

    def get_kind_display(self) -> str:
        from imports.registry import KINDS, importer_for

        return str(importer_for(self.kind).label) if self.kind in KINDS else self.kind

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING)


class ImportedRecord(models.Model):
    """A record an import created or updated, so the import's records can be listed and voided together."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="records")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    row = models.PositiveIntegerField(_("row"))

    class Meta:
        db_table = "core_importedrecord"
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        ordering = ["batch", "row", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="imported_record_object_idx")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row} {self.content_type_id}#{self.object_id}"
