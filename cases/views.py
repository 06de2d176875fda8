from django.views.generic import DetailView

from cases.choices import CaseKind
from cases.models import Case
from citizens.selectors import identity_visible, log_identity_views
from organizations.scoping import ScopedViewMixin


class CaseDetailView(ScopedViewMixin, DetailView):
    model = Case
    queryset = Case.objects.select_related("unit", "field", "complainant", "source_visit__session", "created_by")
    template_name = "cases/case_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        confidential = case.kind == CaseKind.DENUNCIATION and case.complainant_id is not None
        can_see = identity_visible(self.request.user, case.unit_id)
        context["identity_masked"] = confidential and not can_see
        if confidential and can_see:
            log_identity_views(user=self.request.user, records=[case], unit_id=case.unit_id, path=self.request.path)
        return context
