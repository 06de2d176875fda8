"""Generic views every app builds on, so pages behave alike: scoped, filtered, paginated."""

from django_filters.views import FilterView

from organizations.scoping import ScopedViewMixin


class ScopedFilterView(ScopedViewMixin, FilterView):
    """A list of scoped records with a FilterSet in a side panel, filter chips and pagination."""

    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        return context
