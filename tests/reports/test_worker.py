"""The steering committee's compilation through a real worker: the page shows progress, the worker finishes."""

import time

import pytest

from reports import services
from tests.seed import ensure_seed_data


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_compiles_the_city_report(celery_worker_queue, city, ward, steering_member):
    ensure_seed_data()
    report = services.report_request(user=steering_member, unit=city, period_kind="half_year", year=2026)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in ("done", "failed"):
            break
        time.sleep(0.5)
    assert report.status == "done", report.error
    assert report.data_cutoff and report.progress == 100
    assert {section["code"] for section in report.figures["sections"]} == {"weak", "reception", "letters", "cases"}
