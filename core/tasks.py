from celery import shared_task


@shared_task(name="core.ping", acks_late=False)
def ping() -> str:
    """Answers "pong": the health endpoint uses it to prove a worker is consuming the queue."""
    return "pong"
