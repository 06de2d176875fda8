import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from accounts.roles import Action
from accounts.scoping import unit_scope
from cases.selectors import case_trends, flag_counts
from citizens.selectors import reception_month_summary
from organizations.selectors import unit_counts_for
from reports.charts import bar_chart

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    """The overview of the user's scope: what is in it, in figures."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(overview_figures(self.request.user))
        context["month_chart"] = bar_chart(context["trends"]["by_month"])
        context["field_chart"] = bar_chart(context["trends"]["by_field"][:8])
        context["assignments"] = self.request.user.role_assignments.active().select_related("unit")
        return context


def overview_figures(user) -> dict:
    """The overview's figures for the user's scope. A city-wide scope aggregates a million cases, so the figures
    are kept for OVERVIEW_CACHE_SECONDS and shared by everyone with the same view scope; the page says when
    they were computed. The key holds the units the scope starts from and the day."""
    scope = unit_scope(user, Action.VIEW)
    identity = "all" if scope.everything else ",".join(map(str, sorted(scope.roots)))
    key = f"overview:{identity}:{timezone.localdate().isoformat()}"
    seconds = settings.OVERVIEW_CACHE_SECONDS
    figures = cache.get(key) if seconds else None
    if figures is None:
        month = timezone.localdate()
        figures = {
            "unit_counts": unit_counts_for(user),
            "month": month,
            "reception": reception_month_summary(user=user, month=month),
            "cases": flag_counts(user=user),
            "trends": case_trends(user=user),
            "computed_at": timezone.now(),
        }
        if seconds:
            cache.set(key, figures, seconds)
    return figures


def _broker_ok() -> bool:
    from config.celery_app import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    try:
        with app.connection_for_write() as conn:
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


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: database and broker; `?worker=1` also waits for a worker to answer."""
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
