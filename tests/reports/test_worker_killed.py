"""A worker killed in the middle of a compilation: the task is delivered again and the report finishes once."""

import signal
import time

import pytest

from config.celery_app import app
from reports import services
from reports.models import Report
from tests.conftest import start_worker, worker_env
from tests.seed import ensure_seed_data


def wait_for(report, statuses, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in statuses:
            return report
        time.sleep(0.3)
    return report


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_report_whose_worker_is_killed_is_redelivered_and_finished_once(celery_worker_queue, city, steering_member):
    ensure_seed_data()
    queue = f"{celery_worker_queue}-killed"
    env = worker_env(CELERY_VISIBILITY_TIMEOUT="3")
    slow = start_worker(queue, env, module=("tests.reports.slow_worker", queue))
    app.conf.task_default_queue = queue
    app.conf.broker_transport_options = {"visibility_timeout": 3}
    try:
        report = services.report_request(user=steering_member, unit=city, period_kind="half_year", year=2026)
        assert wait_for(report, {"running"}, 60).status == "running"
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=10)
        assert Report.objects.get(pk=report.pk).status == "running"
        time.sleep(4)  # past the visibility timeout: the next worker restores the unacknowledged task on start
        healthy = start_worker(queue, env)
        try:
            report = wait_for(report, {"done", "failed"}, 90)
        finally:
            healthy.terminate()
            healthy.wait(timeout=20)
    finally:
        if slow.poll() is None:
            slow.kill()
    assert report.status == "done", report.error
    assert Report.objects.filter(unit=city).count() == 1
    assert report.figures["sections"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_report_whose_worker_is_killed_is_taken_up_by_the_next_sweep_before_any_redelivery(
    celery_worker_queue, city, steering_member
):
    """With the deployed visibility timeout (an hour) the broker would deliver the task again only an hour later;
    the sweep (every 5 minutes) sees at once that no worker holds the report's compile lock and queues it, and it is
    compiled once."""
    ensure_seed_data()
    queue = f"{celery_worker_queue}-swept"
    env = worker_env()
    slow = start_worker(queue, env, module=("tests.reports.slow_worker", queue))
    app.conf.task_default_queue = queue
    try:
        report = services.report_request(user=steering_member, unit=city, period_kind="half_year", year=2026)
        assert wait_for(report, {"running"}, 60).status == "running"
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=10)
        killed = time.monotonic()
        assert services.reports_requeue_stuck() == (1, 0)
        healthy = start_worker(queue, env)
        try:
            report = wait_for(report, {"done", "failed"}, 90)
        finally:
            healthy.terminate()
            healthy.wait(timeout=20)
        recovered = time.monotonic() - killed
    finally:
        if slow.poll() is None:
            slow.kill()
    assert report.status == "done", report.error
    assert Report.objects.filter(unit=city).count() == 1
    assert recovered < 60, f"compiled {recovered:.0f} s after the kill"
    assert services.reports_requeue_stuck() == (0, 0)
