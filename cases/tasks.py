from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import translation

from cases.exports import export_fail, export_run
from cases.models import ExportJob
from core.publish import WAITING_GRACE, publish


# ignore_result: the outcome is the job's row (reports/tasks.py says why it matters while the broker is down).
@shared_task(bind=True, name="cases.run_export", acks_late=True, max_retries=3, ignore_result=True)
def run_export(self, job_id: int, language: str | None = None, **kwargs) -> None:
    """Write the file of an export (cases.exports.export_run, which returns quietly when the job is gone or
    done). Headings are in the language of the user who asked. Only a lost database connection is worth a
    retry; after the last one the job is marked failed so the status page stops waiting."""
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            export_run(job_id=job_id)
        except OperationalError as error:
            if self.request.retries >= self.max_retries:
                export_fail(job_id=job_id)
                raise
            raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


def exports_requeue_waiting(*, now: datetime) -> int:
    """Queue again the large exports still waiting after a few minutes (the broker was down when they were asked
    for, or lost its queue); the number queued. A job queued twice is written once: export_run lets one run finish
    it. The headings are in the site's language (the asker's is not kept)."""
    waiting = ExportJob.objects.filter(status=ExportJob.Status.PENDING, created_at__lt=now - WAITING_GRACE)
    return sum(publish(run_export, job_id) for job_id in waiting.order_by("pk").values_list("pk", flat=True))
