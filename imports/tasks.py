from celery import shared_task
from django.db import OperationalError


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
