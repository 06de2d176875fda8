from abc import ABC, abstractmethod

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from accounts.confidentiality import mask_records
from accounts.roles import Action
from accounts.scoping import ScopedFilterView, ScopedViewMixin, has_right
from cases import selectors, services, transfers
from cases.duplicates import duplicate_candidates
from cases.filtersets import CaseFilterSet
from cases.forms import (
    AssignForm,
    CaseForm,
    DesignateForm,
    ExtendForm,
    MergeForm,
    NoteForm,
    RecordDecisionForm,
    SecondTimeForm,
    TransitionForm,
)
from cases.models import Case, CaseDesignation, Letter, SavedFilter
from cases.views_letters import has_sender
from cases.workflow import MOVES, moves_from, second_time_refusal
from core.forms import VoidReasonForm
from core.generic import add_service_errors
from core.pagination import CappedPaginator
from core.versions import StaleFormError, keep_input_at_version
from organizations.models import WeakDossier


class CaseListView(ScopedFilterView):
    model = Case
    queryset = selectors.case_list_queryset()
    filterset_class = CaseFilterSet
    template_name = "cases/case_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selectors.mask_identities(context["object_list"], self.request.user, path=self.request.get_full_path())
        context["saved_filters"] = list(SavedFilter.objects.filter(user=self.request.user))
        return context


class DueSoonView(ScopedViewMixin, ListView):
    """Cases whose current deadline falls within the next few days: a page of its own, not a search."""

    model = Case
    template_name = "cases/due_list.html"
    paginate_by = 50
    paginator_class = CappedPaginator
    overdue = False

    def get_queryset(self):
        return selectors.due_queryset(user=self.request.user, overdue=self.overdue)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selectors.mask_identities(context["object_list"], self.request.user, path=self.request.get_full_path())
        context["overdue"] = self.overdue
        return context


class OverdueView(DueSoonView):
    overdue = True


class LetterDueSoonView(ScopedViewMixin, ListView):
    """Letters still to be handled whose processing deadline (10 working days from receipt) falls within the next
    few days, beside the cases due soon; senders of protected letters masked as in the letters register."""

    model = Letter
    template_name = "cases/letter_due_list.html"
    paginate_by = 50
    paginator_class = CappedPaginator
    overdue = False

    def get_queryset(self):
        return selectors.letter_due_queryset(user=self.request.user, overdue=self.overdue)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mask_records(
            context["object_list"], user=self.request.user, path=self.request.get_full_path(), names_someone=has_sender
        )
        context["overdue"] = self.overdue
        return context


class LetterOverdueView(LetterDueSoonView):
    overdue = True


class CaseDetailView(ScopedViewMixin, DetailView):
    model = Case
    # Joined: what every case has; fetched apart: what few have (a ten-table join cost more to plan than the
    # two extra primary-key look-ups cost to run).
    queryset = Case.objects.select_related("unit", "field", "complainant", "handler", "created_by").prefetch_related(
        "source_visit__session", "merged_into", "previous_case"
    )
    template_name = "cases/case_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case, user = self.object, self.request.user
        page = selectors.case_page(case=case, user=user, path=self.request.path)
        can_change = has_right(user, Action.CHANGE, case.unit_id) and not case.is_void and not case.merged_into_id
        context.update(
            page=page,
            can_change=can_change,
            can_review=has_right(user, Action.REVIEW, case.unit_id),
            moves=[m for m in moves_from(case.status) if has_right(user, m.right, case.unit_id)]
            if not case.is_void and not case.merged_into_id
            else [],
            transition_form=TransitionForm(),
            assign_form=AssignForm(case=case, user=self.request.user, initial={"handler": case.handler_id})
            if can_change
            else None,
            designate_form=DesignateForm(),
            merge_form=MergeForm(user=user, case=case) if can_change else None,
            can_open_second_time=can_change and second_time_refusal(case) is None,
            second_time_form=SecondTimeForm(),
            void_form=VoidReasonForm(),
            attachments=list(case.attachments.filter(is_void=False).select_related("uploaded_by")),
            can_see_identity=not page.identity_masked,
            attachment_upload_url=reverse("cases:attachment_upload_case", kwargs={"case_pk": case.pk}),
            can_record=may_record_decision(user, case),
            record_form=RecordDecisionForm(),
            notes=list(case.notes.select_related("author")),
            can_write_notes=services.may_write_notes(user, case.unit_id) and not case.is_void,
            note_form=NoteForm(),
            note_url=reverse("cases:case_note_add", kwargs={"pk": case.pk}),
            # Transfers to the competent unit (cases/transfers.py): the workflow's "transfer" move, on its own page.
            transfer_lines=transfers.transfers_of(case=case),
            transfer_url=reverse("cases:case_transfer", kwargs={"pk": case.pk})
            if can_change and case.status in MOVES["transfer"].sources
            else "",
            can_urge=can_change,
        )
        return context


def may_record_decision(user, case: Case) -> bool:
    """Whether the case page offers to record a signed conclusion: the RECORD right, a live case, a status the
    conclusion may follow."""
    return (
        has_right(user, Action.RECORD, case.unit_id)
        and not case.is_void
        and not case.merged_into_id
        and case.status in MOVES["conclude"].sources
    )


class CaseRecordDecisionView(ScopedViewMixin, DetailView):
    """Record a conclusion or decision signed on paper (number, date, signer, outcome, the scan). GET: the form on
    its own page; POST: record it and return to the case, or show the form again with the errors next to the
    fields. Only those who record decisions for the case's unit reach it (404 for the others)."""

    model = Case
    queryset = Case.objects.active().select_related("unit")
    scope_action = Action.RECORD
    template_name = "cases/record_decision.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_form(RecordDecisionForm())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = RecordDecisionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.case_record_decision(user=request.user, case=self.object, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The signed conclusion or decision has been recorded."))
                return redirect(self.object)
            # The service changed the case in memory before refusing: show the page from the stored row.
            self.object = self.get_object()
        return self.render_form(form)

    def render_form(self, form):
        return render(self.request, self.template_name, {"form": form, "case": self.object})


class CaseDuplicatesView(ScopedViewMixin, DetailView):
    """The case page's possible-duplicates panel, loaded by the page once it is shown (htmx)."""

    model = Case
    queryset = Case.objects.select_related("unit", "complainant")
    template_name = "cases/partials/duplicates.html"

    def get_context_data(self, **kwargs):
        duplicates = duplicate_candidates(case=self.object, user=self.request.user, path=self.request.path)
        return {**super().get_context_data(**kwargs), "duplicates": duplicates}


class DossierAreaCasesView(ScopedViewMixin, DetailView):
    """The weak-organization dossier page's panel of open hot-spot and mass cases in the organization's area,
    loaded by the page (htmx): the dossier is fetched through the gate, the cases through it again."""

    model = WeakDossier
    queryset = WeakDossier.objects.select_related("unit")
    template_name = "cases/partials/area_cases.html"

    def get_context_data(self, **kwargs):
        cases = selectors.area_watch_cases(unit=self.object.unit, user=self.request.user)
        return {**super().get_context_data(**kwargs), "cases": cases}


class CaseActionView(ABC, ScopedViewMixin, DetailView):
    """Base of the POST actions on a case page: fetch the case through the gate, run one service, go back."""

    model = Case
    scope_action = Action.CHANGE
    http_method_names = ["post"]
    form_class: type[forms.Form] | None = None

    def get_form(self, case):
        return self.form_class(self.request.POST)

    def post(self, request, *args, **kwargs):
        case = self.get_object()
        form = self.get_form(case)
        if form.is_valid():
            try:
                message = self.act(case, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied as error:
                messages.error(request, str(error))
                return redirect(case)
            else:
                messages.success(request, message)
                return redirect(self.redirect_to(case))
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(case)

    def redirect_to(self, case):
        return case

    @abstractmethod
    def act(self, case, data) -> str:
        """Run the service and return the message to show."""


class CaseTransitionView(CaseActionView):
    form_class = TransitionForm
    # The gate lets through anyone who may view; the move's own right is checked by the service.
    scope_action = Action.VIEW

    def act(self, case, data):
        move = MOVES.get(self.kwargs["move"])
        services.case_transition(
            user=self.request.user,
            case=case,
            move=self.kwargs["move"],
            on=data["on"],
            note=data["note"],
            outcome=data["outcome"],
        )
        return _("Done: {action}.").format(action=move.label if move else "")


class CaseAssignView(CaseActionView):
    def get_form(self, case):
        return AssignForm(self.request.POST, case=case, user=self.request.user)

    def act(self, case, data):
        services.case_assign(user=self.request.user, case=case, handler=data["handler"])
        return _("Handler assigned.")


class CaseExtendView(CaseActionView):
    form_class = ExtendForm

    def act(self, case, data):
        deadline = services.case_extend_deadline(user=self.request.user, case=case, **data)
        return _("Deadline extended to {date}.").format(date=deadline.due_on.strftime("%d/%m/%Y"))


class CaseDesignateView(CaseActionView):
    form_class = DesignateForm
    scope_action = Action.REVIEW

    def act(self, case, data):
        services.case_designate(user=self.request.user, case=case, **data)
        return _("Flag set.")


class DesignationLiftView(ScopedViewMixin, DetailView):
    model = CaseDesignation
    scope_action = Action.REVIEW
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        designation = self.get_object()
        try:
            services.case_lift_designation(user=request.user, designation=designation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Flag removed."))
        return redirect(designation.case)


class CaseMergeView(CaseActionView):
    def get_form(self, case):
        return MergeForm(self.request.POST, user=self.request.user, case=case)

    def act(self, case, data):
        services.case_merge(user=self.request.user, duplicate=case, into=data["into"])
        return _("Merged as a duplicate; the merge can be undone.")


class CaseUnmergeView(CaseActionView):
    def get_form(self, case):
        return forms.Form(self.request.POST)

    def act(self, case, data):
        services.case_unmerge(user=self.request.user, duplicate=case)
        return _("Merge undone.")


class CaseVoidView(CaseActionView):
    form_class = VoidReasonForm

    def act(self, case, data):
        services.case_void(user=self.request.user, case=case, reason=data["reason"])
        return _("The case has been voided; it is kept with the reason.")


class CaseSecondTimeView(CaseActionView):
    form_class = SecondTimeForm

    def act(self, case, data):
        self.new_case = services.case_open_second_time(user=self.request.user, case=case, **data)
        return _("Second-time complaint opened as case {number}.").format(number=self.new_case.number)

    def redirect_to(self, case):
        return self.new_case


class CaseUpdateView(ScopedViewMixin, DetailView):
    model = Case
    queryset = Case.objects.active()
    scope_action = Action.CHANGE
    template_name = "cases/case_form.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_form(CaseForm(instance=self.object, user=request.user))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = CaseForm(request.POST, instance=Case.objects.get(pk=self.object.pk), user=request.user)
        if form.is_valid():
            try:
                services.case_update(user=request.user, case=self.object, **form.cleaned_data)
            except StaleFormError as error:
                keep_input_at_version(form, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Case updated."))
                return redirect(self.object)
        return self.render_form(form)

    def render_form(self, form):
        return render(self.request, self.template_name, {"form": form, "case": self.object})
