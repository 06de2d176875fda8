from datetime import datetime

from celery import shared_task
from django.db import OperationalError

from core.publish import WAITING_GRACE, publish
from imports.models import ImportBatch


# ignore_result: the outcome is the batch's row (reports/tasks.py says why it matters while the broker is down).
@shared_task(bind=True, name="imports.run_import", acks_late=True, max_retries=3, ignore_result=True)
def run_import(self, batch_id: int, step: str, **kwargs) -> None:
    """Check ("preview") or write ("import") one import batch. Both return quietly when the batch is gone or past
    that step, so a redelivered task does nothing twice; an import that fails is recorded on the batch with
    nothing written. Only a database unreachable even to record the failure is retried."""
    from imports.service import batch_fail, batch_import, batch_preview

    try:
        if step == "preview":
            batch_preview(batch_id=batch_id)
        else:
            batch_import(batch_id=batch_id)
    except OperationalError as error:
        if self.request.retries >= self.max_retries:
            batch_fail(batch_id=batch_id, message=str(error))
            raise
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


def imports_requeue_waiting(*, now: datetime) -> int:
    """Queue again the imports still waiting for a worker after a few minutes (the broker was down when the file
    was sent or the import confirmed, or lost its queue); the number queued. A check a worker has begun (rows
    counted) is left to it; a batch queued twice is checked or written once (run_import returns quietly)."""
    since = now - WAITING_GRACE
    checking = ImportBatch.objects.filter(status=ImportBatch.Status.CHECKING, rows_done=0, created_at__lt=since)
    confirmed = ImportBatch.objects.filter(status=ImportBatch.Status.QUEUED, confirmed_at__lt=since)
    return sum(publish(run_import, batch_id, "preview") for batch_id in checking.values_list("pk", flat=True)) + sum(
        publish(run_import, batch_id, "import") for batch_id in confirmed.values_list("pk", flat=True)
    )
