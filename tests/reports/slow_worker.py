"""A Celery worker whose report compilation pauses in the middle, so a test can kill it mid-task.

Run as `python -m tests.reports.slow_worker <queue>`; test-only, never imported by the application.
"""

import sys
import time

import django

django.setup()

from config.celery_app import app  # noqa: E402 - after django.setup()
from reports import services  # noqa: E402

original = services.compile_figures


def slow_compile_figures(**kwargs):
    kwargs["progress"](5, "slow")
    time.sleep(30)
    return original(**kwargs)


services.compile_figures = slow_compile_figures

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "-Q",
            sys.argv[1],
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ]
    )
