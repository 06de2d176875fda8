"""Exports of the filtered case list (CSV and XLSX) and the saved filters of the list.

An export reads exactly what the list page shows for the same query string (the same FilterSet, the same
order), restricted to the units where the user holds the export right, and masks a denouncer's identity
without the identity right (Law on Denunciations 2018, Arts. 9, 47). Every export is logged as an access to
personal data (Decree 13/2023/NĐ-CP).
"""

import csv
import io
import logging
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.confidentiality import MASKED_NAME, is_masked, log_labelled_views, record_label
from accounts.models import PersonalDataAccess
from accounts.roles import Action
from accounts.scoping import role_assignments, unit_scope
from cases.choices import Designation
from cases.filtersets import CaseFilterSet
from cases.models import Case, ExportJob, SavedFilter
from cases.selectors import case_list_queryset
from core.spreadsheets import csv_row, xlsx_cell, xlsx_row

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
QUERY_MAX_LENGTH = 2000  # ExportJob.query and SavedFilter.query
CHUNK_SIZE = 2000
PROGRESS_EVERY = 1000


def columns() -> list[tuple[str, int]]:
    """The headings of the export, in the active language, with their XLSX widths (in characters)."""
    return [
        (_("Number"), 12),
        (_("Handling unit"), 28),
        (_("Received on"), 12),
        (_("Kind of case"), 14),
        (_("Field"), 22),
        (_("Channel"), 20),
        (_("Complainant / denouncer"), 26),
        (_("Number of people"), 9),
        (_("Summary"), 60),
        (_("Status"), 18),
        (_("Due on"), 12),
        (_("Handler"), 22),
        (_("Flags"), 26),
    ]


def clean_query(query: str) -> str:
    """The list's query string without the page number and empty fields, so that an export or a saved filter
    covers the whole filtered list and reads the same however it was submitted."""
    data = QueryDict(query.strip().lstrip("?"), mutable=True)
    data.pop("page", None)
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        kept = [value for value in values if value.strip()]
        if kept:
            cleaned.setlist(key, kept)
    return cleaned.urlencode()


def _filterset(*, user, query: str) -> CaseFilterSet:
    return CaseFilterSet(
        QueryDict(query) or None, queryset=case_list_queryset().visible_to(user, Action.EXPORT), user=user
    )


def _cases(filterset: CaseFilterSet) -> QuerySet:
    """The filtered cases, strict like the list page: an invalid filter gives nothing rather than everything."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def export_count(*, user, query: str) -> int:
    """How many cases an export of `query` would write."""
    return _cases(_filterset(user=user, query=query)).count()


def describe_filter(filterset: CaseFilterSet) -> str:
    """The active filters in words ("Status: Received, Accepted; Field: Land"), for the title of the file."""
    if not filterset.is_bound or not filterset.is_valid():
        return _("all cases in your scope")
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value is None or value == "" or value == []:
            continue
        field = filterset.form.fields[name]
        shown = []
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, bool):
                choices = dict(getattr(field.widget, "choices", []))
                shown.append(str(choices.get(str(item).lower()) or (_("Yes") if item else _("No"))))
            elif isinstance(item, date):
                shown.append(item.strftime("%d/%m/%Y"))
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                # Pairs: ChoiceField normalises its choices when they are set; django-stubs types the getter as
                # whatever the setter accepts (a mapping, a Choices class, a callable).
                shown.append(str(dict(field.choices).get(item, item)))  # type: ignore[arg-type]
            else:
                shown.append(str(item))
        parts.append(f"{field.label}: {', '.join(shown)}")
    return "; ".join(parts) or _("all cases in your scope")


def _flags(case: Case) -> str:
    flags = [
        (case.is_hot_spot, Designation.HOT_SPOT.label),
        (case.is_focus, Designation.FOCUS.label),
        (case.is_over_level, Designation.OVER_LEVEL.label),
    ]
    return ", ".join(str(label) for on, label in flags if on)


def _rows(cases: QuerySet, user, shown: list[tuple[str, int]] | None = None) -> Iterator[list]:
    """The rows, each denouncer masked where `user` may not see them; the protected cases whose complainant is
    written go to `shown` (their log labels and units), for the personal-data log."""
    # One query per chunk: everything shown comes through case_list_queryset's select_related.
    for case in cases.iterator(chunk_size=CHUNK_SIZE):
        if is_masked(user, unit_id=case.unit_id, confidential=case.is_confidential):
            complainant = str(MASKED_NAME)
        else:
            complainant = str(case.complainant) if case.complainant_id else ""
            if shown is not None and case.is_confidential and case.complainant_id:
                shown.append((record_label(case), case.unit_id))
        yield [
            case.number,
            str(case.unit),
            case.received_on,
            str(case.get_kind_display()),
            str(case.field),
            str(case.get_channel_display()),
            complainant,
            case.people_count,
            case.summary,
            str(case.get_status_display()),
            case.due_on,
            str(case.handler) if case.handler_id else "",
            _flags(case),
        ]


def export_rows(*, user, query: str) -> Iterator[list]:
    """The rows of the case list filtered by `query` exactly as the list page filters it, in the units where
    `user` may export, with denouncers masked where `user` may not see identities. Dates are `date` objects
    (each writer formats them); everything else is text or a number."""
    return _rows(_cases(_filterset(user=user, query=query)), user)


def write_csv(rows: Iterable[list], out: IO[bytes], *, title: str, as_of: datetime) -> int:
    """Plain CSV for other programs: one heading row, then the data (the title and time are for the XLSX
    only). UTF-8 with a byte-order mark, without which Excel misreads Vietnamese. Returns the number of data
    rows written."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(csv_row(label for label, _width in columns()))
    count = 0
    for row in rows:
        writer.writerow(csv_row(row))
        count += 1
    text.flush()
    text.detach()
    return count


def _xlsx_cell(sheet, value):
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return xlsx_cell(sheet, value)  # text a citizen or an official wrote: a string cell, never a formula


def write_xlsx(rows: Iterable[list], out: IO[bytes], *, title: str, as_of: datetime) -> int:
    """An XLSX workbook written row by row (write-only mode keeps memory flat): a title row with the filter,
    the time the data was read, a bold heading row with a filter button, dates as real dates."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Cases")[:31])
    cols = columns()
    for index, (_label, width) in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"
    bold = Font(bold=True)

    def styled(value, font):
        cell = xlsx_cell(sheet, str(value))
        cell.font = font
        return cell

    sheet.append([styled(title, Font(bold=True, size=13))])
    sheet.append(
        xlsx_row(sheet, [_("Data as of {time}").format(time=timezone.localtime(as_of).strftime("%d/%m/%Y %H:%M"))])
    )
    sheet.append([styled(label, bold) for label, _width in cols])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A3:{get_column_letter(len(cols))}{3 + count}"
    workbook.save(out)
    return count


def _progress(rows: Iterable[list], job_pk: int) -> Iterator[list]:
    """Pass the rows through, saving the count every PROGRESS_EVERY rows for the status page."""
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_pk).update(rows_done=done)


def _export_unit_id(user) -> int | None:
    """The unit recorded in the personal-data log: the user's first assignment that carries the export right."""
    assignments = sorted(role_assignments(user), key=lambda assignment: assignment.pk)
    return next((a.unit_id for a in assignments if Action.EXPORT in a.rights), None)


def export_filename(job: ExportJob) -> str:
    """The name the browser saves the file under."""
    return f"vu-viec-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.{job.format}"


def export_create(*, user, format: str, query: str) -> ExportJob:
    """Record a request to export the case list filtered by `query` (the list page's query string). The
    caller runs it inline or in a worker depending on `rows_total`."""
    if unit_scope(user, Action.EXPORT).is_empty:
        raise PermissionDenied(_("You do not have the right to export cases."))
    if format not in FORMATS:
        raise ValidationError({"format": _("Choose CSV or XLSX.")})
    query = clean_query(query)
    if len(query) > QUERY_MAX_LENGTH:
        raise ValidationError({"query": _("This filter is too long to export; remove some conditions.")})
    return ExportJob.objects.create(
        user=user, format=format, query=query, rows_total=export_count(user=user, query=query)
    )


def _mark(job_pk: int, **fields) -> None:
    ExportJob.objects.filter(pk=job_pk).exclude(status=ExportJob.Status.DONE).update(**fields)


def failure_message(job_pk: int) -> str:
    """What the user reads when an export failed; the details go to the log."""
    return _(
        "The export could not be completed. Try again; if it fails again, tell the administrator (export {number})."
    ).format(number=job_pk)


def export_fail(*, job_id: int, reason: str = "") -> None:
    """Mark an export failed (after its last retry, or when it could not be queued) with what the user reads."""
    _mark(job_id, status=ExportJob.Status.FAILED, error=reason or failure_message(job_id), finished_at=timezone.now())


def export_run(*, job_id: int) -> None:
    """Write the file of an export. Idempotent: a job that is gone or already done is left alone, a rerun
    (a retried or redelivered task) replaces what an interrupted run left, and only one run can mark the job
    done, write its file and its personal-data log row.

    Errors end as FAILED with a message the user can read; a lost database connection is re-raised (the job
    goes back to waiting) so that the task retries it.
    """
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status == ExportJob.Status.DONE:
        return
    _mark(job.pk, status=ExportJob.Status.RUNNING, rows_done=0, error="", finished_at=None)
    try:
        user = job.user
        unit_id = _export_unit_id(user)
        if unit_id is None or unit_scope(user, Action.EXPORT).is_empty:
            raise PermissionDenied(_("You no longer have the right to export cases."))
        as_of = timezone.now()
        filterset = _filterset(user=user, query=job.query)
        cases = _cases(filterset)
        _mark(job.pk, rows_total=cases.count())
        writer = write_csv if job.format == "csv" else write_xlsx
        title = _("Cases · Filter: {filter}").format(filter=describe_filter(filterset))
        with tempfile.TemporaryFile() as temporary:
            shown: list[tuple[str, int]] = []
            rows = _progress(_rows(cases, user, shown), job.pk)
            written = writer(rows, temporary, title=title, as_of=as_of)
            temporary.seek(0)
            _finish(job_pk=job.pk, file=temporary, rows=written, unit_id=unit_id, shown=shown)
    except OperationalError:
        logger.warning("Export %s: database unavailable, left for a retry", job.pk, exc_info=True)
        _mark(job.pk, status=ExportJob.Status.PENDING, rows_done=0)
        raise
    except PermissionDenied as error:
        _mark(job.pk, status=ExportJob.Status.FAILED, error=str(error), finished_at=timezone.now())
    except Exception:
        logger.exception("Export %s failed", job.pk)
        _mark(job.pk, status=ExportJob.Status.FAILED, error=failure_message(job.pk), finished_at=timezone.now())


def _finish(*, job_pk: int, file: IO[bytes], rows: int, unit_id: int, shown: list[tuple[str, int]]) -> None:
    with transaction.atomic():
        # The row lock makes two runs of one job (a redelivered task beside a slow one) finish one at a time;
        # the second finds it done and writes nothing.
        job = ExportJob.objects.select_for_update().filter(pk=job_pk).first()
        if job is None or job.status == ExportJob.Status.DONE:
            return
        name = job.file.field.generate_filename(job, f"export-{job.pk}.{job.format}")
        if job.file.storage.exists(name):
            job.file.storage.delete(name)  # left by a run whose transaction did not commit
        job.file.save(name.rsplit("/", 1)[-1], File(file), save=False)
        job.status = ExportJob.Status.DONE
        job.rows_done = job.rows_total = rows
        job.error = ""
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "status", "rows_done", "rows_total", "error", "finished_at"])
        path = f"{reverse('cases:case_list')}?{job.query}"
        PersonalDataAccess.objects.create(
            user_id=job.user_id,
            kind=PersonalDataAccess.Kind.EXPORT,
            unit_id=unit_id,
            record=f"export {job.pk}: {rows} rows",
            path=path[:300],
        )
        # And each denouncer the file names (accounts/confidentiality.py).
        log_labelled_views(user=job.user, views=shown, path=path)


def saved_filter_create(*, user, name: str, query: str) -> SavedFilter:
    """Save the list's current filter under a name of the user's choosing (unique per user)."""
    name = " ".join(name.split())
    query = clean_query(query)
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    if len(query) > QUERY_MAX_LENGTH:
        raise ValidationError({"query": _("This filter is too long to save; remove some conditions.")})
    duplicate = ValidationError(
        {"name": _("You already have a saved filter named “{name}”. Choose another name.").format(name=name)}
    )
    if SavedFilter.objects.filter(user=user, name__iexact=name).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return SavedFilter.objects.create(user=user, name=name, query=query)
    except IntegrityError as error:  # the same name saved at the same moment from another tab
        raise duplicate from error


def saved_filter_delete(*, saved_filter: SavedFilter) -> None:
    saved_filter.delete()
