"""Adding and editing the visits of a reception session: the reception desk's form, whose "letter received" outcome
opens a letter and its case (cases.intake). Served under /reception/ (cases/urls_intake.py), next to the session."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from accounts.roles import Action
from accounts.scoping import ScopedViewMixin
from cases.intake import intake_visit_record, intake_visit_update
from citizens import selectors as reception_selectors
from citizens.forms import VisitForm
from citizens.models import ReceptionSession, Visit
from core.generic import add_service_errors
from core.versions import StaleFormError, keep_input_at_version


class VisitFormMixin:
    """Adding and editing a visit: a full page, or a fragment inside the session page when asked by htmx."""

    template_name: str | None = "citizens/visit_form.html"  # Django's views declare it optional
    partial_template_name = "citizens/partials/visit_form.html"

    def render_form(self, form, session, visit=None):
        template = self.partial_template_name if self.request.htmx else self.template_name
        return render(self.request, template, {"form": form, "session": session, "visit": visit})

    def save(self, form, session, visit=None):
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("new_") and k != "citizen"}
        arguments = {"citizen": form.cleaned_data["citizen"], "new_citizen": form.new_citizen_fields(), **data}
        try:
            if visit is None:
                intake_visit_record(user=self.request.user, session=session, **arguments)
            else:
                intake_visit_update(user=self.request.user, visit=visit, **arguments)
        except StaleFormError as error:
            keep_input_at_version(form, error)
            return self.render_form(form, session, visit)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_form(form, session, visit)
        if not self.request.htmx:
            messages.success(self.request, _("Visit recorded.") if visit is None else _("Visit updated."))
            return redirect(session)
        page = reception_selectors.session_page(
            session=session, user=self.request.user, path=session.get_absolute_url()
        )
        response = render(
            self.request,
            "citizens/partials/session_visits.html",
            {"session": session, "page": page, "can_change": True, "oob_clear_form": True},
        )
        response["HX-Retarget"] = "#session-visits"
        response["HX-Reswap"] = "outerHTML"
        return response


class VisitCreateView(VisitFormMixin, ScopedViewMixin, DetailView):
    """Visits are added to a session in scope (the gate applies to the session)."""

    model = ReceptionSession
    queryset = ReceptionSession.objects.active().select_related("unit")
    scope_action = Action.CHANGE
    pk_url_kwarg = "session_pk"

    def get(self, request, *args, **kwargs):
        session = self.get_object()
        return self.render_form(VisitForm(session=session, user=request.user), session)

    def post(self, request, *args, **kwargs):
        session = self.get_object()
        form = VisitForm(request.POST, session=session, user=request.user)
        if not form.is_valid():
            return self.render_form(form, session)
        return self.save(form, session)


class VisitUpdateView(VisitFormMixin, ScopedViewMixin, DetailView):
    model = Visit
    queryset = Visit.objects.active().select_related("session", "session__unit", "citizen")
    scope_action = Action.CHANGE

    def get(self, request, *args, **kwargs):
        visit = self.get_object()
        form = VisitForm(instance=visit, session=visit.session, user=request.user)
        return self.render_form(form, visit.session, visit)

    def post(self, request, *args, **kwargs):
        visit = self.get_object()
        form = VisitForm(
            request.POST, instance=Visit.objects.get(pk=visit.pk), session=visit.session, user=request.user
        )
        if not form.is_valid():
            return self.render_form(form, visit.session, visit)
        return self.save(form, visit.session, visit)
