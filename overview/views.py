"""The overview of the user's scope: the home page."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.views.generic import TemplateView

from accounts.roles import Action
from accounts.scoping import ScopedViewMixin, unit_scope
from cases.selectors import case_trends, flag_counts
from citizens.selectors import reception_month_summary
from organizations.selectors import unit_counts_for
from overview.inbox import inbox
from reports.charts import bar_chart, hbar_chart
from reports.submissions import submission_counts


class HomeView(ScopedViewMixin, TemplateView):
    """The overview of the user's scope: what is in it, in figures."""

    template_name = "overview/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(overview_figures(self.request.user))
        context["month_chart"] = bar_chart(context["trends"]["by_month"])
        context["field_chart"] = hbar_chart(context["trends"]["by_field"], limit=8)
        context["assignments"] = self.request.user.role_assignments.active().select_related("unit")
        # Outside the cached figures: a submission should show on the committee's page at once, and these are a
        # handful of queries whatever the number of units below.
        today = timezone.localdate()
        context["submissions"] = submission_counts(user=self.request.user, today=today)
        # What waits for the user comes first on the page, never cached: it changes with every move.
        context["inbox"] = inbox(user=self.request.user, today=today)
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
