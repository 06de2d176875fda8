"""A worker killed in the middle of a compilation (SIGKILL, out of memory, the machine restarted): the sweep sees
within minutes that no process holds the report's compile lock and queues it again, while a report that a live
worker is compiling is left to it, and a task delivered twice compiles once. tests/reports/test_worker_killed.py
kills a real worker; these check the rule itself, a second database connection standing for the live worker."""

from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from reports import services
from reports.models import Report


@pytest.fixture
def live_worker():
    """A second database session, as a worker's: `hold(report)` takes the report's compile lock in it."""
    session = connections.create_connection("default")

    def hold(report: Report) -> None:
        with session.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services.COMPILE_LOCK, report.pk])

    try:
        yield hold
    finally:
        session.close()  # as a worker dying: PostgreSQL drops its locks


def running(report: Report, minutes_ago: int) -> None:
    Report.objects.filter(pk=report.pk).update(
        status="running", started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def test_a_report_whose_worker_died_is_compiled_again_at_the_next_sweep_and_once(
    monkeypatch, live_worker, ward, ward_official
):
    compiled: list[int] = []
    real = services.compile_figures
    monkeypatch.setattr(services, "compile_figures", lambda **kwargs: compiled.append(1) or real(**kwargs))
    # In a test the request's transaction never commits, so nothing is queued by the requests themselves.
    orphan = services.report_request(user=ward_official, unit=ward, period_kind="half_year", year=2026)
    alive = services.report_request(user=ward_official, unit=ward, period_kind="year", year=2025)
    running(orphan, minutes_ago=2)  # its worker was killed two minutes ago
    running(alive, minutes_ago=2)
    live_worker(alive)

    assert services.reports_requeue_stuck() == (1, 0)
    orphan.refresh_from_db()
    alive.refresh_from_db()
    assert orphan.status == "done" and orphan.figures["sections"]
    assert alive.status == "running"
    assert len(compiled) == 1

    # The task of the live worker's report delivered again (the broker's visibility timeout): it returns quietly.
    services.report_compile(report_id=alive.pk)
    alive.refresh_from_db()
    assert alive.status == "running" and len(compiled) == 1
    # And the compiled one is not compiled again either.
    services.report_compile(report_id=orphan.pk)
    assert len(compiled) == 1
    assert services.reports_requeue_stuck() == (0, 0)
