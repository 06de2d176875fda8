"""Records past their retention period, for a committee to approve for disposal; holds; the disposals made.

Pages for users with the right to approve (Action.APPROVE) in their units. The list names records by kind and
number only, never by person, so it needs no masking."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from accounts.roles import Action
from accounts.scoping import ScopedViewMixin
from core.generic import add_service_errors
from retention import services
from retention.forms import DisposalForm, HoldForm
from retention.models import Disposal, RecordKind, RetentionHold, RetentionRule
from retention.selectors import active_holds, as_candidates, counts, past_period, rules

PAGE_SIZE = 100


class ApproverMixin(ScopedViewMixin):
    scope_action = Action.APPROVE

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)  # the login redirect
        if self.get_scope().is_empty:
            raise PermissionDenied(gettext_lazy("Only committee members who approve for their units see this."))
        return super().dispatch(request, *args, **kwargs)


class RetentionView(ApproverMixin, View):
    """The records past their period, a kind at a time, with the form approving their disposal and the holds."""

    template_name = "retention/retention.html"

    def get(self, request):
        return self.render_page(DisposalForm(user=request.user), HoldForm())

    def render_page(self, form: DisposalForm, hold_form: HoldForm, status: int = 200):
        request, user = self.request, self.request.user
        kind = request.GET.get("kind") or request.POST.get("list_kind") or RecordKind.ARCHIVED_LETTER
        if kind not in RecordKind.values:
            kind = RecordKind.ARCHIVED_LETTER
        table, numbers = rules(), counts(user=user)
        paginator = Paginator(past_period(kind, user=user), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        rule = table.get(kind)
        candidates = as_candidates(kind, list(page.object_list), rule.years) if rule else []
        # Every record is ticked at first; a form shown again with its errors keeps the ticks as posted.
        chosen = set(request.POST.getlist("records")) if form.is_bound else None
        checked = {
            f"{item.kind}:{item.record_id}"
            for item in candidates
            if chosen is None or f"{item.kind}:{item.record_id}" in chosen
        }
        context = {
            "kind": kind,
            "kinds": [(value, label, numbers[value]) for value, label in RecordKind.choices],
            "rules": [table.get(value) for value in RecordKind.values],
            "rule": rule,
            "candidates": [(item, f"{item.kind}:{item.record_id}" in checked) for item in candidates],
            "paginator": paginator,
            "page_obj": page,
            "form": form,
            "hold_form": hold_form,
            "holds": list(active_holds(user)[:200]),
        }
        return render(request, self.template_name, context, status=status)


class DisposeView(RetentionView):
    http_method_names = ["post"]

    def post(self, request):
        form = DisposalForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                disposal = services.dispose(
                    user=request.user,
                    unit=data["unit"],
                    decision=data["decision"],
                    decided_on=data["decided_on"],
                    note=data["note"],
                    records=data["records"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Disposal {decision} approved: {count} records anonymised.").format(
                        decision=disposal.decision, count=disposal.records.count()
                    ),
                )
                return redirect("retention:disposal_detail", pk=disposal.pk)
        return self.render_page(form, HoldForm(), status=200)


class HoldView(RetentionView):
    http_method_names = ["post"]

    def post(self, request):
        form = HoldForm(request.POST)
        if form.is_valid():
            try:
                services.hold_place(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The record is kept until the hold is lifted."))
                return redirect(f"{reverse('retention:retention')}?kind={form.cleaned_data['kind']}")
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect(reverse("retention:retention"))


class HoldLiftView(ApproverMixin, View):
    model = RetentionHold
    http_method_names = ["post"]

    def post(self, request, pk):
        hold = get_object_or_404(RetentionHold.objects.visible_to(request.user, Action.APPROVE), pk=pk)
        try:
            services.hold_lift(user=request.user, hold=hold)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Hold lifted: {record}.").format(record=hold.label))
        return redirect(f"{reverse('retention:retention')}?kind={hold.kind}")


class DisposalListView(ApproverMixin, ListView):
    model = Disposal
    queryset = Disposal.objects.select_related("unit", "approved_by")
    template_name = "retention/disposal_list.html"
    paginate_by = 50


class DisposalDetailView(ApproverMixin, DetailView):
    model = Disposal
    queryset = Disposal.objects.select_related("unit", "approved_by")
    template_name = "retention/disposal_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["records"] = list(self.object.records.select_related("unit"))
        context["rules"] = RetentionRule.objects.all()
        return context
