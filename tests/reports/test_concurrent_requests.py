"""Five officials (or five impatient clicks) asking for the same report at the same moment, each request in its own
thread with its own database connection, as gunicorn's threads would serve them: no server error, and one
compilation.

The test commits (transaction=True), so the database is emptied afterwards; the reference data is seeded again
before it and after the last test of the module, for the tests that run after it in the same database.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from reports import services
from reports.models import Report
from reports.tasks import compile_report
from reports.views import under_way_message
from tests.seed import ensure_seed_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reseeded_after_module")]

REQUESTS = 5


def test_simultaneous_requests_for_the_same_report_give_one_compilation_and_no_server_error(
    monkeypatch, ward, ward_official
):
    ensure_seed_data()
    # Queued, not compiled at once (as the test settings would): the report stays under way while the others ask.
    queued: list[tuple] = []
    monkeypatch.setattr(compile_report, "delay", lambda *args, **kwargs: queued.append(args))
    browsers = []
    for _ in range(REQUESTS):
        browser = Client(raise_request_exception=False)
        browser.force_login(ward_official)
        browsers.append(browser)
    start = threading.Barrier(REQUESTS, timeout=30)
    statuses: list[int] = []

    def ask(browser: Client) -> None:
        try:
            start.wait()
            response = browser.post(
                reverse("reports:report_request"), {"unit": ward.pk, "period_kind": "half_year", "year": 2026}
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [302] * REQUESTS
    report = Report.objects.get()
    assert queued == [(report.pk,)]
    page = browsers[0].get(report.get_absolute_url()).content.decode() + "".join(
        browser.get(report.get_absolute_url()).content.decode() for browser in browsers[1:]
    )
    assert page.count(escape(under_way_message())) == REQUESTS - 1

    # Once it is compiled, asking again makes a new version.
    services.report_compile(report_id=report.pk)
    browsers[0].post(reverse("reports:report_request"), {"unit": ward.pk, "period_kind": "half_year", "year": 2026})
    assert list(Report.objects.order_by("version").values_list("version", "status")) == [(1, "done"), (2, "pending")]
