"""The sweep that picks up every kind of queued work (CELERY_BEAT_SCHEDULE, every 5 minutes). It lives here, at
the top of the layers, because it reaches into apps that may not import each other (reports, cases, imports).
The worker loads this module through CELERY_IMPORTS."""

from celery import shared_task
from django.utils import timezone

from cases.tasks import exports_requeue_waiting
from imports.tasks import imports_requeue_waiting
from reports.services import reports_requeue_stuck


@shared_task(name="config.requeue_waiting_work", ignore_result=True)
def requeue_waiting_work(**kwargs: object) -> dict[str, int]:
    """Queue again the reports, exports and imports still waiting after a few minutes (the broker was down when
    they were asked for), and fail the reports stuck in "running". Idempotent: each task returns quietly when its
    row is past that step. E-mail is not queued work: the daily sweep sends what is pending."""
    now = timezone.now()
    reports_queued, reports_failed = reports_requeue_stuck(now=now)
    return {
        "reports": reports_queued,
        "reports_failed": reports_failed,
        "exports": exports_requeue_waiting(now=now),
        "imports": imports_requeue_waiting(now=now),
    }
