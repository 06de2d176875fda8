"""Generic views every app builds on, so pages behave alike: scoped, filtered, paginated."""

from django.core.exceptions import ValidationError
from django_filters.views import FilterView

from core.pagination import CappedPaginator
from organizations.scoping import ScopedViewMixin


class ScopedFilterView(ScopedViewMixin, FilterView):
    """A list of scoped records with a FilterSet in a side panel, filter chips and pagination."""

    paginate_by = 50
    paginator_class = CappedPaginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        return context


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's validation errors next to the fields they concern, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
