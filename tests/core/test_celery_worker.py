"""A real Celery worker process, consuming from the real Redis broker."""

import pytest

from core.tasks import ping


@pytest.mark.worker
def test_a_real_worker_runs_a_task_sent_through_redis(celery_worker_queue):
    result = ping.apply_async(queue=celery_worker_queue)
    assert result.get(timeout=60) == "pong"
