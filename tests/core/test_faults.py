"""Faults: the broker down when work is queued, and a database error in the middle of a write that touches many
tables. Nothing is lost (a report waits and is compiled when the broker is back) and nothing is half saved."""

import importlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.handlers.wsgi import WSGIHandler
from django.db import IntegrityError, OperationalError, connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.intake import intake_visit_record
from cases.models import ExportJob
from cases.tasks import run_export
from config.celery_app import app
from config.tasks import requeue_waiting_work
from core import cache as cache_module
from core import publish
from imports import service as import_service
from imports.models import ImportBatch
from imports.tasks import run_import
from organizations import services as org_services
from organizations.models import RatingRegulation, WeakReason
from reports import services as report_services
from reports.models import Report
from reports.tasks import compile_report
from reports.views import queue_down_message, under_way_message
from tests.factories import CaseFactory, ReceptionSessionFactory, UnitFactory, field
from tests.imports_helpers import preview, xlsx
from tests.seed import ensure_seed_data

PROJECT_APPS = ("accounts", "core", "organizations", "citizens", "cases", "reports")
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


def row_counts() -> dict[str, int]:
    """The number of rows of every table of the project, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture
def broker_down():
    """Celery configured as in production (not eager) but with its broker on a port where nothing listens; call
    the fixture's value to bring the real broker back. The app forgets its pools at each switch and takes those
    of the new URL (kombu keeps one per URL; closing the real broker's would break later tests)."""

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    previous = (app.conf.task_always_eager, app.conf.broker_url)

    def broker_back():
        app.conf.task_always_eager, app.conf.broker_url = previous
        reset_pools()

    reset_pools()
    app.conf.task_always_eager, app.conf.broker_url = False, CLOSED_PORT_BROKER
    try:
        yield broker_back
    finally:
        broker_back()


# The broker is down ----------------------------------------------------------------------------------------------


def wait_for_status(report: Report, statuses: set[str], seconds: float) -> Report:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in statuses:
            break
        time.sleep(0.3)
    return report


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_report_asked_for_while_the_broker_is_down_waits_and_is_compiled_when_it_is_back(
    celery_worker_queue, broker_down, client, ward, ward_official
):
    """Committed data (transaction=True): the message depends on what happens when the request's transaction
    commits, and the worker compiling the report at the end must see the row."""
    ensure_seed_data()
    client.force_login(ward_official)
    response = client.post(
        reverse("reports:report_request"), {"unit": ward.pk, "period_kind": "half_year", "year": 2026}, follow=True
    )
    assert response.status_code == 200
    assert escape(queue_down_message()) in response.content.decode()
    report = Report.objects.get()
    assert report.status == "pending" and response.redirect_chain[-1][0] == report.get_absolute_url()

    # Asking for a new version while this one waits gives this one (one compilation), and says so.
    response = client.post(reverse("reports:report_action", args=[report.pk, "recompile"]), follow=True)
    assert escape(under_way_message()) in response.content.decode()
    assert list(Report.objects.values_list("status", flat=True)) == ["pending"]

    # The beat sweep runs while the broker is still down: the report keeps waiting, nothing fails.
    later = timezone.now() + timedelta(minutes=10)
    assert report_services.reports_requeue_stuck(now=later) == (1, 0)
    assert set(Report.objects.values_list("status", flat=True)) == {"pending"}

    # The broker is back: the next sweep queues it and the worker compiles it once.
    broker_down()
    assert report_services.reports_requeue_stuck(now=later) == (1, 0)
    assert wait_for_status(report, {"done", "failed"}, 90).status == "done", report.error
    assert report.figures["sections"]
    assert Report.objects.count() == 1
    assert report_services.reports_requeue_stuck(now=later) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_an_export_and_an_import_asked_for_while_the_broker_is_down_wait_with_a_message_not_a_server_error(
    client, broker_down, settings, ward, ward_official
):
    """Committed data (transaction=True): the work is queued when the request's transaction commits."""
    ensure_seed_data()
    settings.EXPORT_INLINE_MAX_ROWS = 0  # every export goes to a worker
    settings.IMPORT_INLINE_MAX_ROWS = 0  # every import too
    CaseFactory(unit=ward)
    client.force_login(ward_official)
    waiting = escape(publish.queue_down_message())

    started = time.monotonic()
    response = client.post(reverse("cases:export_create"), {"format": "csv", "query": ""})
    assert time.monotonic() - started < 3
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:export_status", args=[job.pk])
    assert waiting in client.get(response.url).content.decode()
    job.refresh_from_db()
    assert job.status == "pending"

    upload = xlsx(["Họ và tên", "Số CCCD"], [["Nguyễn Văn An", "001090000123"]])
    started = time.monotonic()
    response = client.post(reverse("imports:batch_create"), {"kind": "citizens", "unit": ward.pk, "file": upload})
    assert time.monotonic() - started < 3
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    assert waiting in client.get(response.url).content.decode()
    assert ImportBatch.objects.get().status == "checking"


def test_the_sweep_queues_every_kind_of_waiting_work_and_each_is_done_once(monkeypatch, ward, ward_official):
    """Rows left waiting (their task was never queued: the broker was down, or lost its queue) are queued by the
    sweep once they have waited a few minutes; the tasks run (eagerly here, as a worker would once the broker is
    back), so a second sweep finds nothing left to queue. A row that has just been asked for is left alone."""
    # In a test the request's transaction never commits, so report_request's own queueing never happens.
    report = report_services.report_request(user=ward_official, unit=ward, period_kind="half_year", year=2026)
    job = ExportJob.objects.create(user=ward_official, format="csv")
    people = [["Nguyễn Văn An", "001090000123"], ["Trần Thị Bình", "001090000124"]]
    checking = import_service.batch_create(
        user=ward_official, kind="citizens", unit=ward, upload=xlsx(["Họ và tên", "Số CCCD"], people[:1])
    )
    confirmed = preview(
        user=ward_official, unit=ward, kind="citizens", upload=xlsx(["Họ và tên", "Số CCCD"], people[1:])
    )
    import_service.batch_confirm(user=ward_official, batch=confirmed)
    long_ago = timezone.now() - timedelta(minutes=10)
    Report.objects.update(requested_at=long_ago)
    ExportJob.objects.update(created_at=long_ago)
    ImportBatch.objects.update(created_at=long_ago)
    ImportBatch.objects.filter(pk=confirmed.pk).update(confirmed_at=long_ago)
    just_asked = ExportJob.objects.create(user=ward_official, format="xlsx")

    queued: list[tuple] = []
    for task in (compile_report, run_export, run_import):
        monkeypatch.setattr(task, "delay", recording(task, queued))

    assert requeue_waiting_work() == {"reports": 1, "reports_failed": 0, "exports": 1, "imports": 2}
    assert sorted(queued) == sorted(
        [
            ("reports.compile_report", (report.pk,)),
            ("cases.run_export", (job.pk,)),
            ("imports.run_import", (checking.pk, "preview")),
            ("imports.run_import", (confirmed.pk, "import")),
        ]
    )
    report.refresh_from_db()
    job.refresh_from_db()
    assert (report.status, job.status) == ("done", "done")
    assert ImportBatch.objects.get(pk=checking.pk).status == "previewed"
    assert ImportBatch.objects.get(pk=confirmed.pk).status == "done"
    assert ExportJob.objects.get(pk=just_asked.pk).status == "pending"

    queued.clear()
    assert requeue_waiting_work() == {"reports": 0, "reports_failed": 0, "exports": 0, "imports": 0}
    assert queued == []


def test_every_scheduled_task_is_one_the_worker_knows(db, settings):
    """Beat sends tasks by name: a name the worker has not loaded (config/tasks.py lives outside the apps, so it is
    loaded through CELERY_IMPORTS) would be dropped with an error every five minutes."""
    # What the worker imports at start: each app's tasks module, then CELERY_IMPORTS.
    tasks_modules = [f"{config.name}.tasks" for config in apps.get_app_configs()]
    for module in [name for name in tasks_modules if importlib.util.find_spec(name)] + settings.CELERY_IMPORTS:
        importlib.import_module(module)
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= set(app.tasks)


def recording(task, queued: list[tuple]):
    """`task.delay` that notes what it queues, then runs it as the test settings do (eagerly)."""
    real = task.delay

    def delay(*args, **kwargs):
        queued.append((task.name, args))
        return real(*args, **kwargs)

    return delay


# Under production settings the cache (rate limits, overview) is by default the broker's Redis, and publishing a
# task waits for the broker: these are the settings that decide how the site behaves while Redis is down.
PRODUCTION_QUEUE_SETTINGS = (
    "CACHES",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_BROKER_TRANSPORT_OPTIONS",
    "CELERY_BROKER_CONNECTION_TIMEOUT",
    "CELERY_TASK_PUBLISH_RETRY",
    "CELERY_TASK_PUBLISH_RETRY_POLICY",
)


@pytest.fixture(scope="module", autouse=True)
def seed_again_after_the_last_test(django_db_blocker):
    """The tests on committed data empty every table when they end: the reference data is put back for the tests
    that run after this module in the same database."""
    yield
    with django_db_blocker.unblock():
        ensure_seed_data()


@pytest.fixture(params=["refused", "silent"])
def production_broker_down(request, settings):
    """Redis down, with production's cache and Celery settings for its URL: "refused" is a closed port (Redis
    stopped), "silent" a port that takes connections and never answers (Redis hung, or the network dropping
    packets), where only timeouts help."""
    with socket.socket() as silent:
        url = CLOSED_PORT_BROKER
        if request.param == "silent":
            silent.bind(("127.0.0.1", 0))
            silent.listen(64)
            url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        production = production_settings(*PRODUCTION_QUEUE_SETTINGS, CELERY_BROKER_URL=url)
        settings.CACHES = production.pop("CACHES")
        settings.OVERVIEW_CACHE_SECONDS = 300  # the overview reads and writes its figures in the cache
        celery = {name.removeprefix("CELERY_").lower(): value for name, value in production.items()}
        previous = {name: app.conf.get(name) for name in celery}
        app.conf.update(celery, task_always_eager=False)
        reset_celery_connections()
        try:
            yield
        finally:
            app.conf.update(previous, task_always_eager=True)
            reset_celery_connections()
            cache_module._paused_until.clear()


def reset_celery_connections() -> None:
    """Forget the pools and the result backend (kombu keeps one pool per URL, the backend is made once per thread),
    so the next task takes those of the URLs configured now. (Private attributes, which celery-types does not
    declare.)"""
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]
    vars(app._local).pop("backend", None)  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_sign_in_the_overview_and_a_report_request_answer_quickly(
    production_broker_down, client, ward, ward_official, caplog
):
    """Sign-in and the overview must not depend on the broker (the cache fails open), and a report asked for is
    kept and the user told within about a second. Committed data (transaction=True): the report's message depends
    on what happens when its row commits."""
    ensure_seed_data()
    ward_official.set_password("Mat-khau-Kiem-tra-2026")
    ward_official.save(update_fields=["password"])

    started = time.monotonic()
    response = client.post(
        reverse("accounts:login"), {"username": ward_official.username, "password": "Mat-khau-Kiem-tra-2026"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get(reverse("overview:home")).status_code == 200
    assert time.monotonic() - started < 3
    assert any(record.levelname == "WARNING" and "cache" in record.getMessage() for record in caplog.records)

    started = time.monotonic()
    response = client.post(
        reverse("reports:report_request"), {"unit": ward.pk, "period_kind": "half_year", "year": 2026}
    )
    elapsed = time.monotonic() - started
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert elapsed < 3, f"the report request took {elapsed:.1f} s"
    assert report.status == "pending"
    assert escape(queue_down_message()) in client.get(response.url).content.decode()


def test_rate_limits_count_in_redis_and_fail_open_with_a_warning_when_it_is_unreachable(settings, caplog):
    from core.ratelimit import hit

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/60"}
    backend = "core.cache.FailOpenRedisCache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:6379/14", "KEY_PREFIX": "t"}}
    key = f"fail-open-{time.monotonic_ns()}"
    assert [hit("export", key) for _ in range(3)] == [True, True, False]
    assert not caplog.records

    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": CLOSED_PORT_BROKER}}
    try:
        assert [hit("export", key) for _ in range(3)] == [True, True, True]
    finally:
        cache_module._paused_until.clear()
    warnings = [record for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 1 and "cache unreachable" in warnings[0].getMessage()


# A database error in the middle of a write -------------------------------------------------------------------------


def fail_on_save(monkeypatch, module, model_name: str, *, call: int = 1, error=OperationalError):
    """Make `module.save_with_history` raise `error` on its `call`-th save of a `model_name` (after the earlier
    steps of the write have been written)."""
    real, seen = module.save_with_history, []

    def save(instance, **kwargs):
        if type(instance).__name__ == model_name:
            seen.append(instance)
            if len(seen) == call:
                raise error("simulated: the connection was lost")
        return real(instance, **kwargs)

    monkeypatch.setattr(module, "save_with_history", save)
    return seen


@pytest.fixture
def held_session(ward, ward_official):
    return ReceptionSessionFactory(unit=ward, created_by=ward_official)


def visit_fields():
    return {
        "people_count": 1,
        "content": "Đề nghị giải quyết tranh chấp ranh giới đất",
        "content_kind": "complaint",
        "field": field(),
        "outcome": "letter_received",
    }


def test_opening_a_case_from_a_visit_is_all_or_nothing(monkeypatch, held_session, ward_official):
    before = row_counts()
    # Letter saved, case saved with its deadline and events, then the last step (the letter pointing at its case)
    # fails.
    seen = fail_on_save(monkeypatch, case_services, "Letter", call=2)
    with pytest.raises(OperationalError):
        intake_visit_record(
            user=ward_official,
            session=held_session,
            new_citizen={"full_name": "Trần Thị Bình", "national_id": "001190001234"},
            **visit_fields(),
        )
    assert len(seen) == 2
    assert row_counts() == before


def test_opening_a_case_through_the_page_shows_an_error_page_and_saves_nothing(
    monkeypatch, held_session, ward_official
):
    monkeypatch.setattr(case_services, "deadline_start", _raise(IntegrityError))
    browser = Client(raise_request_exception=False)
    browser.force_login(ward_official)
    before = row_counts()
    response = browser.post(
        reverse("intake:visit_create", args=[held_session.pk]),
        {
            "new_full_name": "Trần Thị Bình",
            "new_national_id": "001190001234",
            "people_count": "1",
            "content": "Đề nghị giải quyết tranh chấp ranh giới đất",
            "content_kind": "complaint",
            "field": str(field().pk),
            "outcome": "letter_received",
        },
    )
    assert response.status_code == 500
    assert _("Something went wrong") in response.content.decode()
    assert row_counts() == before


def _raise(error):
    def fail(*args, **kwargs):
        raise error("simulated failure")

    return fail


@pytest.fixture
def submitted_dossier(grassroots, ward_official):
    dossier = org_services.dossier_open(
        user=ward_official,
        unit=grassroots,
        year=2025,
        origin="rating",
        identified_on=date(2026, 1, 5),
        reasons=WeakReason.objects.filter(code="mat-doan-ket"),
        goals="Khôi phục đoàn kết nội bộ",
        responsible_leader="Đồng chí Phó Bí thư",
    )
    org_services.task_save(
        user=ward_official,
        dossier=dossier,
        solution="Kiện toàn chi ủy",
        task_type="cadre_work",
        owner="Bí thư chi bộ",
        deadline=timezone.localdate() + timedelta(days=30),
        status="not_started",
    )
    return org_services.dossier_submit(user=ward_official, dossier=dossier)


def test_approving_a_dossier_is_all_or_nothing(monkeypatch, submitted_dossier, district_reviewer):
    before = row_counts()
    # The dossier row is saved as approved, then writing its timeline event fails.
    monkeypatch.setattr(org_services, "_event", _raise(IntegrityError))
    with pytest.raises(IntegrityError):
        org_services.dossier_approve(user=district_reviewer, dossier=submitted_dossier)
    assert row_counts() == before
    submitted_dossier.refresh_from_db()
    assert submitted_dossier.status == "submitted" and submitted_dossier.approved_by is None

    browser = Client(raise_request_exception=False)
    browser.force_login(district_reviewer)
    before = row_counts()  # signing in wrote the user's last login
    response = browser.post(reverse("organizations:dossier_move", args=[submitted_dossier.pk, "approve"]))
    assert response.status_code == 500
    assert row_counts() == before


def test_rating_a_commune_is_all_or_nothing(monkeypatch, ward, grassroots, ward_official):
    police = UnitFactory(name="Đảng bộ Công an phường", kind="grassroots", division_type="", parent=ward, code="")
    regulation = RatingRegulation.objects.get(code="366-QĐ/TW")
    rows = [
        # The first line saves a rating, a dossier, its event and their history; the second fails mid-way.
        {"unit": grassroots, "year": 2025, "regulation": regulation, "level": "not_completed", "score": 40},
        {"unit": police, "year": 2025, "regulation": regulation, "level": "not_completed", "score": 45},
    ]
    before = row_counts()
    fail_on_save(monkeypatch, org_services, "WeakDossier", call=2)
    with pytest.raises(OperationalError):
        org_services.ratings_record_for_commune(user=ward_official, rows=rows)
    assert row_counts() == before


# The database restarts --------------------------------------------------------------------------------------------


def production_settings(*names: str, **environment: str) -> dict:
    """The values of the settings `names` (those defined) under config.settings.production, read in a fresh
    interpreter with the environment a deployment gives (plus `environment`)."""
    database = connection.settings_dict
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789-abcdefghij",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/7",
        **environment,
    }
    script = (
        "import json, sys; from django.conf import settings; "
        "print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:] if hasattr(settings, name)}, "
        "default=repr))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *names], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


def wsgi_get(path: str, cookies: dict[str, str]) -> int:
    """GET `path` through the WSGI handler as gunicorn calls it: unlike the test client, it sends the request
    signals that close or check the thread's database connection at the start and end of each request."""
    environ = RequestFactory()._base_environ(  # type: ignore[attr-defined]  # private, undeclared by django-stubs
        PATH_INFO=path,
        REQUEST_METHOD="GET",
        HTTP_COOKIE="; ".join(f"{name}={value}" for name, value in cookies.items()),
    )
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable[[bytes], None]:
        statuses.append(status)
        return lambda data: None  # the write() callable, which Django never calls

    response = WSGIHandler()(environ, start_response)
    response.close()  # request_finished, as the server sends it
    return int(statuses[0].split()[0])


@pytest.mark.django_db(transaction=True)
def test_pages_answer_at_once_after_the_database_drops_the_connections(client, monkeypatch, ward_official):
    """PostgreSQL restarted (every backend terminated) while a web thread keeps its connection (CONN_MAX_AGE):
    the next page that thread serves must not be a server error. The connection options are production's."""
    database = production_settings("DATABASES")["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] > 0
    for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        monkeypatch.setitem(connection.settings_dict, key, database.get(key, False))
    client.force_login(ward_official)
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    connection.close()  # the next request opens a persistent connection with those options
    home = reverse("overview:home")
    assert wsgi_get(home, cookies) == 200
    assert connection.connection is not None  # kept for the next request
    backend = connection.connection.get_backend_pid()

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    finally:
        other.close()

    assert [wsgi_get(home, cookies) for _ in range(3)] == [200, 200, 200]
