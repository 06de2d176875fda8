from django.views.generic import DetailView

from accounts.scoping import ScopedFilterView, ScopedViewMixin
from organizations.filtersets import UnitFilterSet
from organizations.models import Unit
from organizations.selectors import unit_detail_context


class UnitListView(ScopedFilterView):
    model = Unit
    queryset = Unit.objects.select_related("parent").order_by("kind", "name")
    filterset_class = UnitFilterSet
    template_name = "organizations/unit_list.html"


class UnitDetailView(ScopedViewMixin, DetailView):
    model = Unit
    queryset = Unit.objects.select_related("parent")
    template_name = "organizations/unit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(unit_detail_context(unit=self.object, user=self.request.user))
        return context
