"""Handing work to a worker without making the user wait on the broker.

Every kind of queued work (a report, a large export, an import's check or write) is first a row whose status
says it waits, then a task that takes only the row's id. When the broker cannot be reached the row simply keeps
waiting: `publish` logs it and answers False so the page can say so, and the beat sweep (config/tasks.py) queues
every row still waiting a few minutes later. Tasks return quietly when their row is past that step, so a row
queued twice is still done once.
"""

import logging
from datetime import timedelta

from celery import Task
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# How long a row may wait for its worker before the sweep queues it again: longer than a publish takes, shorter than
# a user's patience.
WAITING_GRACE = timedelta(minutes=3)


def publish(task: Task, *args: object, **kwargs: object) -> bool:
    """Queue `task` with these arguments; False, logged, when the broker cannot be reached (publishing gives up
    within about a second: CELERY_BROKER_TRANSPORT_OPTIONS)."""
    try:
        task.delay(*args, **kwargs)
    except Exception:
        logger.exception("could not reach the broker to queue %s%r; the work stays waiting", task.name, args)
        return False
    return True


def queue_down_message() -> str:
    """What the user reads when their work could not be queued: it is kept, and done later without them."""
    return _(
        "The task queue cannot be reached just now. Your request is saved and will be processed automatically "
        "when the queue is back, within a few minutes."
    )
