"""Report compilation: a row is created by a service, a worker compiles it from SQL aggregates, and the result
is a snapshot (figures and data cut-off time) that later edits do not change."""

import contextlib
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Action
from accounts.scoping import require_right
from core.locking import lock
from core.periods import period_bounds
from core.publish import WAITING_GRACE, publish
from core.services import save_with_history
from organizations.models import Unit
from reports.choices import ReportStatus
from reports.figures import compile_figures
from reports.models import Report

logger = logging.getLogger(__name__)

RUNNING_LIMIT = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


@transaction.atomic
def report_request(*, user: User, unit: Unit, period_kind: str, year: int, calendar_period: bool = False) -> Report:
    """Ask for a report: a new version of the unit's report for the period, compiled by a worker; or, while a
    version of it is still waiting or being compiled, that version (marked `under_way`), so that five clicks or
    two officials at once start one compilation, not five."""
    require_right(user, Action.COMPILE, unit.pk)
    start, end = period_bounds(period_kind, year, calendar=calendar_period)
    if start > timezone.localdate():
        raise ValidationError({"year": _("This period has not started yet.")})
    # The unit is locked while the versions are read: a second request at the same moment waits here until the
    # first has committed its version, then finds it under way (and without the lock two requests would take the
    # same version number, which the unique constraint turns into a server error).
    lock(unit)
    versions = Report.objects.filter(unit=unit, period_kind=period_kind, year=year, calendar_period=calendar_period)
    under_way = versions.filter(status__in=[ReportStatus.PENDING, ReportStatus.RUNNING]).order_by("-version").first()
    if under_way is not None:
        under_way.under_way = True  # type: ignore[attr-defined]  # for the view only, not a field
        under_way.dispatched = True  # type: ignore[attr-defined]  # nothing was queued by this request
        return under_way
    version = (versions.aggregate(last=Max("version"))["last"] or 0) + 1
    report = Report(
        unit=unit,
        period_kind=period_kind,
        year=year,
        calendar_period=calendar_period,
        start=start,
        end=min(end, timezone.localdate()),
        version=version,
        requested_by=user,
    )
    save_with_history(report, user=user)
    from reports.tasks import compile_report  # the task module imports this one

    # Set once the transaction commits: False tells the view to say that the queue is down (the row is kept).
    report.dispatched = None  # type: ignore[attr-defined]  # for the view only, not a field
    report.under_way = False  # type: ignore[attr-defined]  # for the view only, not a field

    def queue() -> None:
        report.dispatched = publish(compile_report, report.pk)  # type: ignore[attr-defined]

    transaction.on_commit(queue)
    return report


def _progress(report_id: int, percent: int, label: str) -> None:
    # Outside the compile transaction, so the page polling the row sees it move.
    Report.objects.filter(pk=report_id).update(progress=percent, progress_label=label)


# The first key of the PostgreSQL advisory locks a compiling worker holds on its report (the second is the report's
# id); any number unused elsewhere in the database.
COMPILE_LOCK = 7301


@contextlib.contextmanager
def _compiling(report_id: int) -> Iterator[bool]:
    """Whether this process may compile the report: True when no other process holds its advisory lock, which is
    then held until the block ends. The lock belongs to the worker's database session, so PostgreSQL drops it the
    moment that worker dies. On other databases (SQLite for `make run`, tasks in-process) there is one process:
    always True."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [COMPILE_LOCK, report_id])
        taken = bool(cursor.fetchone()[0])
    try:
        yield taken
    finally:
        if taken:
            _release(report_id)


def _worker_gone(report_id: int) -> bool:
    """Whether no process holds the report's compile lock: a report "running" without it has no worker any more
    (a worker takes the lock before it marks the report running). PostgreSQL only."""
    with _compiling(report_id) as free:
        return free


def _release(report_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [COMPILE_LOCK, report_id])
    except DatabaseError:
        logger.warning("report %s: its compile lock goes with the lost connection", report_id)


def report_compile(*, report_id: int) -> None:
    """Compile a report. Idempotent: a report already compiled (or gone) is left as it is, and one that another
    live worker is compiling (a task delivered again while the first still runs) too, so it is compiled once."""
    with _compiling(report_id) as mine:
        if not mine:
            logger.info("report %s: another worker is compiling it", report_id)
            return
        _compile(report_id)


def _compile(report_id: int) -> None:
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("unit", "requested_by")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status not in (ReportStatus.PENDING, ReportStatus.RUNNING):
            return
        report.status, report.started_at, report.data_cutoff = ReportStatus.RUNNING, timezone.now(), timezone.now()
        report.save(update_fields=["status", "started_at", "data_cutoff"])
    figures = compile_figures(
        unit=report.unit,
        user=report.requested_by,
        start=report.start,
        end=report.end,
        progress=lambda percent, label: _progress(report_id, percent, label),
    )
    with transaction.atomic():
        Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
            figures=figures, status=ReportStatus.DONE, progress=100, progress_label="", finished_at=timezone.now()
        )


def report_fail(*, report_id: int, reason: str) -> None:
    Report.objects.filter(pk=report_id, status__in=[ReportStatus.PENDING, ReportStatus.RUNNING]).update(
        status=ReportStatus.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


@transaction.atomic
def report_set_paper(*, user: User, report: Report, recipients: str, signer_name: str) -> Report:
    """The recipients (one a line) and the signer's name the exported documents carry; kept in the history."""
    require_right(user, Action.COMPILE, report.unit_id)
    report = lock(report)
    lines = [line.strip() for line in recipients.splitlines() if line.strip()]
    if len(lines) > 20:
        raise ValidationError({"recipients": _("At most 20 recipients.")})
    report.recipients, report.signer_name = "\n".join(lines), " ".join(signer_name.split())
    report._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
    report.save(update_fields=["recipients", "signer_name"])
    return report


@transaction.atomic
def report_freeze(*, user: User, report: Report) -> Report:
    """Freeze (chốt) a compiled version: its figures are the unit's official ones for the period."""
    require_right(user, Action.COMPILE, report.unit_id)
    report = lock(report)
    if report.status != ReportStatus.DONE:
        raise ValidationError(_("Only a compiled report can be frozen."))
    report.status, report.frozen_at = ReportStatus.FROZEN, timezone.now()
    save_with_history(report, user=user)
    return report


@transaction.atomic
def report_submit(*, user: User, report: Report) -> Report:
    """Submit the frozen report to the level above. One submitted version per unit and period."""
    require_right(user, Action.COMPILE, report.unit_id)
    # Every version of the unit's report for the period is locked, in one order, not only this one: two
    # officials submitting two versions at once would each find no other submitted and both submit.
    list(
        Report.objects.select_for_update()
        .filter(
            unit_id=report.unit_id,
            period_kind=report.period_kind,
            year=report.year,
            calendar_period=report.calendar_period,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    report = lock(report)
    if report.status != ReportStatus.FROZEN:
        raise ValidationError(_("Freeze the report before submitting it."))
    if Report.objects.filter(
        unit=report.unit,
        period_kind=report.period_kind,
        year=report.year,
        calendar_period=report.calendar_period,
        status=ReportStatus.SUBMITTED,
    ).exists():
        raise ValidationError(_("A version of this report has already been submitted."))
    report.status, report.submitted_at, report.submitted_by = ReportStatus.SUBMITTED, timezone.now(), user
    save_with_history(report, user=user)
    return report


def reports_requeue_stuck(*, now: datetime | None = None) -> tuple[int, int]:
    """The sweep that keeps no request lost and none running forever: reports still waiting after a few minutes
    (the broker was down when they were asked for) are queued again, and so are reports "running" whose worker
    died (no process holds their compile lock: within one sweep, not after the broker's visibility timeout);
    reports running past the task time limit are marked failed. Returns (queued, failed)."""
    from reports.tasks import compile_report

    now = now or timezone.now()
    waiting = list(
        Report.objects.filter(status=ReportStatus.PENDING, requested_at__lt=now - WAITING_GRACE).values_list(
            "pk", flat=True
        )
    )
    for report_id in waiting:
        publish(compile_report, report_id)
    stuck = Report.objects.filter(status=ReportStatus.RUNNING, started_at__lt=now - RUNNING_LIMIT).update(
        status=ReportStatus.FAILED,
        error=_("The compilation stopped without finishing; compile it again."),
        finished_at=now,
    )
    orphaned: list[int] = []
    if connection.vendor == "postgresql":  # elsewhere nothing tells a dead worker from a slow one
        running = Report.objects.filter(status=ReportStatus.RUNNING).values_list("pk", flat=True)
        orphaned = [report_id for report_id in running if _worker_gone(report_id)]
    for report_id in orphaned:
        # The task compiles it again from the start (a running report is taken up), under the lock.
        publish(compile_report, report_id)
    return len(waiting) + len(orphaned), stuck
