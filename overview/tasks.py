from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from overview.notifications import send_pending_emails, shortfall_month, sweep_deadlines, sweep_reception_shortfalls


@shared_task(name="overview.daily_sweep", autoretry_for=(OperationalError,), retry_backoff=60, max_retries=3)
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
