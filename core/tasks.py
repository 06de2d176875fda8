from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from core.notifications import send_pending_emails, shortfall_month, sweep_deadlines, sweep_reception_shortfalls


@shared_task(name="core.ping", acks_late=False)
def ping() -> str:
    """Answers "pong": the health endpoint uses it to prove a worker is consuming the queue."""
    return "pong"


@shared_task(name="core.daily_sweep", autoretry_for=(OperationalError,), retry_backoff=60, max_retries=3)
def daily_sweep(on: str | None = None, **kwargs) -> dict[str, int]:
    """The daily notification sweep (CELERY_BEAT_SCHEDULE): deadline reminders, last month's reception
    shortfalls, then the e-mails. `on` (ISO date) reruns it as of another day. Every step is idempotent, so a
    retry or a second run the same day creates and sends nothing twice; a lost database connection is retried."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    return {
        "deadlines": sweep_deadlines(today=today),
        "shortfalls": sweep_reception_shortfalls(month=shortfall_month(today)),
        "emails": send_pending_emails(),
    }


@shared_task(bind=True, name="core.run_import", acks_late=True, max_retries=3)
def run_import(self, batch_id: int, step: str, **kwargs) -> None:
    """Check ("preview") or write ("import") one import batch. Both return quietly when the batch is gone or past
    that step, so a redelivered task does nothing twice; an import that fails is recorded on the batch with
    nothing written. Only a database unreachable even to record the failure is retried."""
    from core.imports.service import batch_fail, batch_import, batch_preview

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
