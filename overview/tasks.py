from datetime import date

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from overview.notifications import (
    send_pending_emails,
    shortfall_month,
    sweep_deadlines,
    sweep_plan_deadlines,
    sweep_reception_shortfalls,
    sweep_submissions,
)


@shared_task(name="overview.daily_sweep", autoretry_for=(OperationalError,), retry_backoff=60, max_retries=3)
def daily_sweep(on: str | None = None, **kwargs) -> dict[str, int]:
    """The daily notification sweep (CELERY_BEAT_SCHEDULE; without a broker, `manage.py run_daily_sweep`, which
    `make run` repeats): deadline reminders, last month's reception shortfalls, reports not yet submitted to the
    committee above, weak organizations' plan tasks and inspection conclusions coming due, then the e-mails. `on`
    (ISO date) reruns it as of another day. Every step is idempotent, so a retry or a second run the same day
    creates and sends nothing twice; a lost database connection is retried."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    done = {
        # Deadlines of cases, and of weak organizations' plan tasks and inspection conclusions, in one count.
        "deadlines": sweep_deadlines(today=today) + sweep_plan_deadlines(today=today),
        "shortfalls": sweep_reception_shortfalls(month=shortfall_month(today)),
        "submissions": sweep_submissions(today=today),
        "emails": send_pending_emails(),
    }
    cache.set(_SWEPT_KEY.format(day=today.isoformat()), True, timeout=2 * 24 * 3600)
    return done


_SWEPT_KEY = "daily-sweep-done:{day}"


@shared_task(name="overview.daily_sweep_catch_up")
def daily_sweep_catch_up(**kwargs) -> bool:
    """Run today's sweep if the morning's did not run: beat could not hand it to a worker while the broker was down,
    and nothing would remind anyone until the next morning. Hourly through the office day (CELERY_BEAT_SCHEDULE).
    When the mark is lost (the cache failed open, or was emptied) the sweep runs again, which is harmless: it is
    idempotent. Returns whether it ran."""
    if cache.get(_SWEPT_KEY.format(day=timezone.localdate().isoformat())):
        return False
    daily_sweep()
    return True


@shared_task(name="overview.send_emails", autoretry_for=(OperationalError,), retry_backoff=10, max_retries=3)
def send_emails(user_ids: list[int], **kwargs) -> int:
    """E-mail these users their notifications not yet e-mailed, right after a dossier move or an assignment
    (overview.notifications.send_emails_soon). Idempotent like the sweep's e-mails, which it shares."""
    return send_pending_emails(user_ids=user_ids)
