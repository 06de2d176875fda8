"""A real Celery worker process, consuming from the real Redis broker."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from config.celery_app import app
from core.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_queue():
    """Start a worker on a queue of its own (parallel test runs must not steal each other's tasks)."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        app.conf.task_always_eager = previous
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.worker
def test_a_real_worker_runs_a_task_sent_through_redis(worker_queue):
    result = ping.apply_async(queue=worker_queue)
    assert result.get(timeout=60) == "pong"
