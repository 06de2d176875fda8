from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from accounts.roles import Action
from accounts.scoping import ScopedFilterView, ScopedViewMixin, has_right, unit_scope
from citizens import selectors, services
from citizens.filtersets import CitizenFilterSet, ReceptionSessionFilterSet, citizen_search
from citizens.forms import DialogueCloseForm, DialogueForm, DutyMonthForm, ReceptionSessionForm
from citizens.models import Citizen, Dialogue, ReceptionSession, Visit
from core.forms import VoidReasonForm
from core.generic import add_service_errors
from core.versions import StaleFormError, keep_input_at_version


class SessionListView(ScopedFilterView):
    model = ReceptionSession
    queryset = selectors.session_list_queryset()
    filterset_class = ReceptionSessionFilterSet
    template_name = "citizens/session_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = not unit_scope(self.request.user, Action.CHANGE).is_empty
        return context


class SessionCreateView(ScopedViewMixin, FormView):
    """The unit list of the form is scoped to where the user may record sessions; the service checks again."""

    scope_action = Action.CHANGE

    form_class = ReceptionSessionForm
    template_name = "citizens/session_form.html"

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            session = services.session_create(user=self.request.user, unit=unit, **data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Session %(number)s recorded.") % {"number": session.number})
        return redirect(session)


class SessionDetailView(ScopedViewMixin, DetailView):
    model = ReceptionSession
    queryset = ReceptionSession.objects.select_related("unit", "created_by", "dialogue")
    context_object_name = "session"
    template_name = "citizens/session_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session = self.object
        user = self.request.user
        context.update(
            page=selectors.session_page(session=session, user=user, path=self.request.path),
            can_change=has_right(user, Action.CHANGE, session.unit_id) and not session.is_void,
            history=selectors.session_history(session=session, user=self.request.user, path=self.request.path),
            void_form=VoidReasonForm(),
        )
        dialogue = getattr(session, "dialogue", None)
        if dialogue is not None:
            context["dialogue"] = dialogue
            context["dialogue_cases"] = list(dialogue.cases.all())
        return context


class SessionUpdateView(ScopedViewMixin, DetailView):
    """Edit a session: GET shows the form, POST saves through the service."""

    model = ReceptionSession
    queryset = ReceptionSession.objects.active()
    scope_action = Action.CHANGE
    template_name = "citizens/session_form.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_form(ReceptionSessionForm(instance=self.object, user=request.user))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = ReceptionSessionForm(
            request.POST, instance=ReceptionSession.objects.get(pk=self.object.pk), user=request.user
        )
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "unit"}
            try:
                services.session_update(user=request.user, session=self.object, **data)
            except StaleFormError as error:
                keep_input_at_version(form, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Session updated."))
                return redirect(self.object)
        return self.render_form(form)

    def render_form(self, form):
        return render(self.request, self.template_name, {"form": form, "session": self.object})


class SessionVoidView(ScopedViewMixin, DetailView):
    model = ReceptionSession
    queryset = ReceptionSession.objects.active()
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        session = self.get_object()
        form = VoidReasonForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors["reason"])
            services.session_void(user=request.user, session=session, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The session has been voided; it is kept with the reason."))
        return redirect(session)


class VisitVoidView(ScopedViewMixin, DetailView):
    model = Visit
    queryset = Visit.objects.active().select_related("session")
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        visit = self.get_object()
        form = VoidReasonForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors["reason"])
            services.visit_void(user=request.user, visit=visit, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The visit has been voided; it is kept with the reason."))
        return redirect(visit.session)


class DialogueUpdateView(ScopedViewMixin, DetailView):
    model = Dialogue
    queryset = Dialogue.objects.select_related("session", "session__unit").filter(closed_at__isnull=True)
    scope_action = Action.CHANGE
    template_name = "citizens/dialogue_form.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_forms(DialogueForm(instance=self.object, user=request.user), DialogueCloseForm())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if "close" in request.POST:
            close_form = DialogueCloseForm(request.POST)
            if close_form.is_valid():
                try:
                    services.dialogue_close(user=request.user, dialogue=self.object, **close_form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(close_form, error)
                else:
                    messages.success(request, _("The dialogue is closed."))
                    return redirect(self.object.session)
            return self.render_forms(DialogueForm(instance=self.object, user=request.user), close_form)
        form = DialogueForm(request.POST, instance=Dialogue.objects.get(pk=self.object.pk), user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            services.dialogue_update(user=request.user, dialogue=self.object, **data)
            messages.success(request, _("Dialogue record saved."))
            return redirect(self.object.session)
        return self.render_forms(form, DialogueCloseForm())

    def render_forms(self, form, close_form):
        return render(
            self.request,
            self.template_name,
            {"dialogue": self.object, "session": self.object.session, "form": form, "close_form": close_form},
        )


class CitizenListView(ScopedFilterView):
    model = Citizen
    queryset = Citizen.objects.select_related("unit").order_by("full_name", "pk")
    filterset_class = CitizenFilterSet
    template_name = "citizens/citizen_list.html"


class CitizenDetailView(ScopedViewMixin, DetailView):
    """A citizen's page. A person known only as a denouncer does not exist for a user without the identity right
    (404, as if out of scope)."""

    model = Citizen
    template_name = "citizens/citizen_detail.html"

    def get_queryset(self):
        shown = selectors.citizens_shown(super().get_queryset(), self.request.user)
        return shown.select_related("unit", "residence")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["visits"] = selectors.citizen_visits(citizen=self.object, user=self.request.user)
        return context


class CitizenLookupView(ScopedViewMixin, ListView):
    """As-you-type lookup for the visit form (htmx): by name, identity number, phone or address."""

    model = Citizen
    scope_action = Action.CHANGE
    template_name = "citizens/partials/citizen_lookup.html"

    def get_queryset(self):
        query = self.request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL refuses NUL in text
        queryset = super().get_queryset().select_related("unit")
        if unit_id := self.request.GET.get("unit"):
            queryset = queryset.filter(unit_id=unit_id if unit_id.isdigit() else None)
        if len(query) < 2:
            return queryset.none()
        # A person known only as a denouncer is not offered to a user without the identity right.
        return selectors.citizens_shown(citizen_search(queryset, query), self.request.user).order_by("full_name")[:10]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "query": self.request.GET.get("q", "")}


class ScheduleView(ScopedViewMixin, ListView):
    """The published reception schedule (lịch tiếp công dân): upcoming sessions and who hosts; printable."""

    model = ReceptionSession
    template_name = "citizens/schedule.html"

    def get_queryset(self):
        return selectors.schedule(user=self.request.user)


class DutyComplianceView(ScopedViewMixin, TemplateView):
    """Heads' duty to receive citizens: per unit and month, days in person against the rules."""

    template_name = "citizens/duty_compliance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DutyMonthForm(self.request.GET or None)
        today = timezone.localdate()
        month = form.cleaned_data["month"] if form.is_valid() else date(today.year, today.month, 1)
        rows = selectors.duty_compliance(user=self.request.user, month=month)
        if self.request.GET.get("shortfall"):
            rows = [row for row in rows if not row.met]
        context.update(form=form, month=month, rows=rows, shortfalls=sum(1 for r in rows if not r.met))
        return context
