"""Shared fixtures: a small unit tree with two wards side by side, and one user per role."""

import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation

from accounts.roles import Role
from config.celery_app import app
from organizations.choices import UnitKind
from tests.factories import UnitFactory, merge_units, user_with_role
from tests.seed import ensure_seed_data

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def city(db):
    return UnitFactory(name="Thành phố Thử Nghiệm", kind=UnitKind.CITY, division_type="thành phố", parent=None)


@pytest.fixture
def old_district(city):
    return UnitFactory(
        name="Quận Cũ", kind=UnitKind.DISTRICT, division_type="quận", parent=city, valid_to=date(2025, 6, 30)
    )


@pytest.fixture
def old_ward(old_district):
    """A ward abolished in 2025 and merged into `ward`."""
    return UnitFactory(name="Phường Đã Sáp Nhập", parent=old_district, valid_to=date(2025, 6, 30))


@pytest.fixture
def ward(city, old_ward):
    ward = UnitFactory(name="Phường Trong Phạm Vi", parent=city, valid_from=date(2025, 7, 1))
    merge_units([old_ward], ward)
    return ward


@pytest.fixture
def grassroots(ward):
    return UnitFactory(name="Chi bộ Tổ dân phố số 1", kind=UnitKind.GRASSROOTS, division_type="", parent=ward, code="")


@pytest.fixture
def other_ward(city):
    return UnitFactory(name="Phường Ngoài Phạm Vi", parent=city, valid_from=date(2025, 7, 1))


@pytest.fixture
def ward_official(ward):
    return user_with_role(ward, Role.WARD_OFFICIAL)


@pytest.fixture
def letter_clerk(ward):
    """The ward official who classifies letters: a letter not yet classified may be a denunciation, so classifying
    it as anything else needs the right to see who sent it."""
    return user_with_role(ward, Role.WARD_OFFICIAL, may_see_identity=True)


@pytest.fixture
def other_ward_official(other_ward):
    return user_with_role(other_ward, Role.WARD_OFFICIAL)


@pytest.fixture
def district_reviewer(ward):
    return user_with_role(ward, Role.DISTRICT_REVIEWER, may_see_identity=True)


@pytest.fixture
def steering_member(city):
    return user_with_role(city, Role.STEERING_MEMBER)


@pytest.fixture(autouse=True)
def vietnamese():
    """Each test starts in the default language, whatever an earlier request in the same process switched to."""
    with translation.override("vi"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters (core/ratelimit.py) live in the cache: each test starts with none, whatever ran before."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of each test go to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def worker_env(**extra: str) -> dict[str, str]:
    """The environment of a worker process: test settings, and the test's own database."""
    database = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        **extra,
    }


def start_worker(queue: str, env: dict[str, str], module: tuple[str, ...] = ("celery", "-A", "config", "worker")):
    """A worker process consuming `queue` only (solo pool, no gossip: quick to start and stop)."""
    arguments = (
        []
        if module[0] != "celery"
        else [
            "-Q",
            queue,
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ]
    )
    return subprocess.Popen([sys.executable, "-m", *module, *arguments], cwd=ROOT, env=env)


@pytest.fixture
def celery_worker_queue(db):
    """A real Celery worker process, consuming through the real Redis broker from a queue of its own (parallel
    test runs must not take each other's tasks). It reaches the same test database as the test, so tests that
    need it to read their data use `transaction=True` (committed data)."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = start_worker(queue, worker_env())
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def reseeded_after_module(django_db_blocker):
    """For a module of tests that commit (transaction=True): the tables are emptied after each of its tests, so the
    reference data is seeded again after the last one, for the tests that run after it in the same database."""
    yield
    with django_db_blocker.unblock():
        ensure_seed_data()
