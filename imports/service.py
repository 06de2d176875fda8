"""An import batch from upload to result: store the file, check every row without writing (the preview), then on
confirmation check again and write everything in one transaction, or nothing. Voiding an import voids what it
created, through each domain's own void (kept, with a reason), in one transaction too."""

import hashlib
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Action
from accounts.scoping import require_right
from imports.base import CREATE, ERROR, UNCHANGED, UPDATE, ImportContext, Row, column_positions, parse_cells
from imports.models import ImportBatch, ImportedRecord
from imports.reading import EXTENSIONS, FileError, FileTooLarge, count_rows, extension_of, read_sheet
from imports.registry import KINDS, importer_for
from organizations.models import Unit

logger = logging.getLogger(__name__)

# What the preview keeps for display; the counts are always exact.
MAX_ERRORS_SHOWN = 500
MAX_SAMPLES_SHOWN = 20
PROGRESS_EVERY = 500

Status = ImportBatch.Status


class ChangedSincePreview(Exception):
    """The rows checked at confirmation have other errors than those the user saw: nothing is written."""

    def __init__(self, rows: list[Row], file_errors: list[str]):
        super().__init__("changed since preview")
        self.rows, self.file_errors = rows, file_errors


def batch_create(*, user, kind: str, unit: Unit, upload: UploadedFile) -> ImportBatch:
    """Record an uploaded file for import into `unit`: the user must be allowed to change the unit's records.
    The file is kept (outside the web root, like attachments) with its SHA-256 checksum."""
    require_right(user, Action.CHANGE, unit.pk)
    name = upload.name or ""  # an upload always has one; without it the file is refused as of an unknown type
    errors = {}
    if kind not in KINDS:
        errors["kind"] = _("Choose what the file holds.")
    if extension_of(name) not in EXTENSIONS:
        errors["file"] = _("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")
    elif upload.size > settings.IMPORT_MAX_MB * 1024 * 1024:
        errors["file"] = _("The file is larger than {size} MB.").format(size=settings.IMPORT_MAX_MB)
    if errors:
        raise ValidationError(errors)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    try:
        rows_total = count_rows(upload, name)
    except FileTooLarge as error:  # a decompression bomb or too many rows: refused before it is stored
        raise ValidationError({"file": str(error)}) from error
    upload.seek(0)
    batch = ImportBatch(
        kind=kind,
        unit=unit,
        user=user,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        file_name=name[:255],
        sha256=digest.hexdigest(),
        rows_total=rows_total,
    )
    batch.file.save(name, upload, save=False)
    batch.save()
    return batch


def runs_inline(batch: ImportBatch) -> bool:
    """Small files are checked and imported during the request; larger ones by a worker, with progress."""
    return batch.rows_total <= settings.IMPORT_INLINE_MAX_ROWS


def _context(batch: ImportBatch) -> ImportContext:
    return ImportContext(user=batch.user, unit=batch.unit, batch_id=batch.pk)


def analyse(batch: ImportBatch, *, progress: bool = False) -> tuple[list[Row], list[str], list[str]]:
    """Read and check every row of the batch's file, writing nothing (except, with `progress`, the count of rows
    read so far on the batch). Returns the rows, the errors about the file as a whole and the ignored headings."""
    importer = importer_for(batch.kind)
    try:
        with batch.file.open("rb") as handle:
            sheet = read_sheet(handle, batch.file_name)
            positions = column_positions(importer.columns, sheet.headings)
            missing = [column for column in importer.columns if column.required and column.key not in positions]
            if missing:
                return (
                    [],
                    [
                        _("The file has no column “{heading}” (it may also be written “{variant}”).").format(
                            heading=column.heading, variant=column.aliases[0] if column.aliases else column.heading
                        )
                        for column in missing
                    ],
                    [],
                )
            ignored = [
                heading for index, heading in enumerate(sheet.headings) if heading and index not in positions.values()
            ]
            rows = []
            for number, cells in sheet.rows:
                rows.append(parse_cells(importer.columns, positions, number, cells))
                if progress and len(rows) % PROGRESS_EVERY == 0:
                    ImportBatch.objects.filter(pk=batch.pk).update(rows_done=len(rows))
    except FileError as error:
        return [], [str(error)], []
    if not rows:
        return [], [_("The file has a heading row but no data rows.")], ignored
    importer.check(rows, _context(batch))
    for row in rows:
        if row.errors:
            row.action = ERROR
    return rows, [], ignored


def _report(batch: ImportBatch, rows: list[Row], file_errors: list[str], ignored: list[str]) -> dict:
    importer = importer_for(batch.kind)
    errors = [[row.number, importer.heading(column), message] for row in rows for column, message in row.errors]
    samples: dict[str, list] = {CREATE: [], UPDATE: []}
    for row in rows:
        if row.action in samples and len(samples[row.action]) < MAX_SAMPLES_SHOWN:
            cells = [row.number, *importer.sample(row)]
            if row.action == UPDATE:
                cells.append(", ".join(sorted(importer.change_labels(row))))
            samples[row.action].append(cells)
    return {
        "file_errors": file_errors,
        "ignored": ignored,
        "errors": errors[:MAX_ERRORS_SHOWN],
        "error_total": len(errors),
        "error_rows": [row.number for row in rows if row.action == ERROR],
        "headings": [str(importer.column(key).heading) for key in importer.sample_keys],
        CREATE: samples[CREATE],
        UPDATE: samples[UPDATE],
    }


def _counts(rows: list[Row]) -> dict[str, int]:
    actions: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        actions[row.action] += 1
    return {
        "rows_total": len(rows),
        "rows_done": len(rows),
        "created_count": actions[CREATE],
        "updated_count": actions[UPDATE],
        "unchanged_count": actions[UNCHANGED],
        "error_count": actions[ERROR],
    }


def batch_preview(*, batch_id: int) -> None:
    """Check every row and store what an import would do. Idempotent: only a batch being checked is checked."""
    batch = ImportBatch.objects.select_related("unit", "user").filter(pk=batch_id, status=Status.CHECKING).first()
    if batch is None:
        return
    with translation.override(batch.language):
        try:
            rows, file_errors, ignored = analyse(batch, progress=True)
        except DatabaseError:
            raise  # the task retries when the database is back
        except Exception:
            logger.exception("Import %s: the file could not be checked", batch.pk)
            batch_fail(
                batch_id=batch.pk,
                message=_(
                    "The file could not be checked. Check that it follows the "
                    "template; if it does, tell the administrator (import {number})."
                ).format(number=batch.pk),
            )
            return
        ImportBatch.objects.filter(pk=batch.pk, status=Status.CHECKING).update(
            status=Status.PREVIEWED,
            report=_report(batch, rows, file_errors, ignored),
            previewed_at=timezone.now(),
            error="",
            **_counts(rows),
        )


def can_confirm(batch: ImportBatch) -> bool:
    """A checked file with no error about the file as a whole and something to write; a failed import may be
    confirmed again (nothing of it was written)."""
    if batch.status not in (Status.PREVIEWED, Status.FAILED) or not batch.previewed_at:
        return False
    return not batch.report.get("file_errors") and batch.created_count + batch.updated_count > 0


@transaction.atomic
def batch_confirm(*, user, batch: ImportBatch) -> ImportBatch:
    """The user confirms the preview: the batch waits for the import (at once or in a worker)."""
    require_right(user, Action.CHANGE, batch.unit_id)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not can_confirm(batch):
        raise ValidationError(_("This import cannot be confirmed in its present state."))
    batch.status, batch.confirmed_at, batch.error = Status.QUEUED, timezone.now(), ""
    batch.save(update_fields=["status", "confirmed_at", "error"])
    return batch


def failure_message(batch_id: int) -> str:
    return _(
        "The import failed and nothing was written. Confirm it again; if it fails again, tell the administrator "
        "(import {number})."
    ).format(number=batch_id)


def batch_fail(*, batch_id: int, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_id, status__in=[Status.CHECKING, Status.QUEUED, Status.RUNNING]).update(
        status=Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )


def batch_import(*, batch_id: int) -> None:
    """Write a confirmed batch, all or nothing. Every row is checked again inside the transaction (the registers
    may have changed since the preview): if rows now have other errors than those the user saw, nothing is written
    and the batch shows the new preview to confirm again. Idempotent: only a queued batch is taken, so a batch is
    never imported twice."""
    if not ImportBatch.objects.filter(pk=batch_id, status=Status.QUEUED).update(status=Status.RUNNING):
        return
    batch = ImportBatch.objects.select_related("unit", "user").get(pk=batch_id)
    importer = importer_for(batch.kind)
    with translation.override(batch.language):
        try:
            with transaction.atomic():
                rows, file_errors, ignored = analyse(batch)
                error_rows = [row.number for row in rows if row.action == ERROR]
                if file_errors or error_rows != batch.report.get("error_rows"):
                    raise ChangedSincePreview(rows, file_errors)
                written = importer.write([row for row in rows if row.action in (CREATE, UPDATE)], _context(batch))
                types = ContentType.objects.get_for_models(*{type(record) for record, _a, _r in written})
                ImportedRecord.objects.bulk_create(
                    [
                        ImportedRecord(
                            batch_id=batch.pk,
                            content_type=types[type(record)],
                            object_id=record.pk,
                            action=ImportedRecord.Action.CREATED if action == CREATE else ImportedRecord.Action.UPDATED,
                            row=number,
                        )
                        for record, action, number in written
                    ],
                    batch_size=2000,
                )
                ImportBatch.objects.filter(pk=batch.pk, status=Status.RUNNING).update(
                    status=Status.DONE, finished_at=timezone.now(), error="", **_counts(rows)
                )
        except ChangedSincePreview as changed:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=Status.PREVIEWED,
                report=_report(batch, changed.rows, changed.file_errors, ignored),
                previewed_at=timezone.now(),
                error=_(
                    "The registers changed since the preview and other rows now have errors. Nothing was written; "
                    "check the new preview and confirm again."
                ),
                **_counts(changed.rows),
            )
        except (IntegrityError, ValidationError) as error:
            # A record with the same key saved by someone else between the check and the write.
            logger.warning("Import %s: conflict while writing", batch.pk, exc_info=True)
            batch_fail(
                batch_id=batch.pk,
                message=_("Another record with the same number or code was saved meanwhile ({error}). {failed}").format(
                    error="; ".join(getattr(error, "messages", [str(error)]))[:300], failed=failure_message(batch.pk)
                ),
            )
        except DatabaseError:
            logger.exception("Import %s: database error", batch.pk)
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()  # a lost connection is reopened for the next query
            batch_fail(
                batch_id=batch.pk,
                message=_("The database could not complete the import. {failed}").format(
                    failed=failure_message(batch.pk)
                ),
            )
        except Exception:
            logger.exception("Import %s failed", batch.pk)
            batch_fail(batch_id=batch.pk, message=failure_message(batch.pk))


def records_of(
    batch: ImportBatch, action: str = ImportedRecord.Action.CREATED
) -> dict[type[models.Model], list[models.Model]]:
    """The records an import created (or updated), by model."""
    by_type: defaultdict[int, list[int]] = defaultdict(list)
    for content_type_id, object_id in batch.records.filter(action=action).values_list("content_type", "object_id"):
        by_type[content_type_id].append(object_id)
    records: dict[type[models.Model], list[models.Model]] = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        assert model is not None  # the models of imported records are installed
        records[model] = list(model._default_manager.filter(pk__in=ids).order_by("pk"))
    return records


@transaction.atomic
def batch_void(*, user, batch: ImportBatch, reason: str) -> ImportBatch:
    """An import made by mistake: void every record it created, with the reason, through each kind's own void
    (records are kept, marked void, with who and why in their history). Records it updated keep their new values;
    their history shows the old ones."""
    require_right(user, Action.CHANGE, batch.unit_id)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != Status.DONE:
        raise ValidationError(_("Only a finished import can be voided."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    importer_for(batch.kind).void(records_of(batch), user=user, reason=reason)
    batch.status, batch.voided_at, batch.voided_by, batch.void_reason = Status.VOIDED, timezone.now(), user, reason
    batch.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
    return batch


def earlier_imports(batch: ImportBatch):
    """Earlier imports of the same file into the same unit (to say so on the preview: a re-run changes nothing)."""
    return ImportBatch.objects.filter(sha256=batch.sha256, unit_id=batch.unit_id, status=Status.DONE).exclude(
        pk=batch.pk
    )
