import hmac
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _broker_ok() -> bool:
    # The project's Celery app, without importing config (core imports no project package above it).
    from celery import current_app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("health check: broker unreachable")
        return False


def _worker_ok() -> bool:
    from core.tasks import ping

    try:
        return ping.apply_async().get(timeout=5) == "pong"
    except Exception:
        logger.exception("health check: no worker answered")
        return False


def _internal_caller(request: HttpRequest) -> bool:
    """Whether the request carries the health token (settings.HEALTH_TOKEN, from DJANGO_HEALTH_TOKEN) in the
    X-Health-Token header; compared in constant time. With no token configured, nobody is internal."""
    expected = getattr(settings, "HEALTH_TOKEN", "")
    given = request.headers.get("X-Health-Token", "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers, open to anyone: the database and the broker, no task sent.

    `?worker=1` also sends a ping task and waits up to 5 s for a worker to answer. That holds a web thread, so it
    is for internal monitors only: without the right X-Health-Token header it is refused with 403, before any
    check runs. Refused rather than ignored, so a monitor with a missing or wrong token sees an error instead of
    a green answer that never asked a worker."""
    if request.GET.get("worker") and not _internal_caller(request):
        return JsonResponse({"status": "forbidden", "detail": "the worker check needs X-Health-Token"}, status=403)
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = True
    except Exception:
        logger.exception("health check: database unreachable")
        checks["database"] = False
    checks["broker"] = _broker_ok()
    if request.GET.get("worker"):
        checks["worker"] = _worker_ok()
    healthy = all(checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)
