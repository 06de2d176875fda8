from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView

from accounts.roles import Action
from accounts.scoping import ScopedFilterView, ScopedViewMixin, has_right
from core.downloads import file_download_response
from core.generic import add_service_errors
from core.versions import StaleFormError, keep_input_at_version
from organizations import services, workflow
from organizations.filtersets import WeakDossierFilterSet
from organizations.forms import (
    CommentForm,
    ConclusionDoneForm,
    DossierForm,
    DossierMoveForm,
    InspectionForm,
    PlanTaskForm,
    ProgressForm,
)
from organizations.models import DossierSubmission, InspectionConclusion, PlanTask, TaskProgress, Unit, WeakDossier
from organizations.selectors_weak import (
    dossier_list_queryset,
    dossier_page,
    last_return,
    last_submission,
    open_items,
    review_queue,
)


class DossierListView(ScopedFilterView):
    model = WeakDossier
    filterset_class = WeakDossierFilterSet
    template_name = "organizations/dossier_list.html"

    def get_queryset(self):
        # Built for each request: its late-task count is against the date of the request. (As a class attribute it
        # was built once, when the worker process imported this module, and kept that day for as long as it ran.)
        self.queryset = dossier_list_queryset()
        return super().get_queryset()


class ReviewQueueView(ScopedViewMixin, TemplateView):
    """The committee above's queue: dossiers to review, plans running late, inspections due."""

    scope_action = Action.REVIEW

    template_name = "organizations/review_queue.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **review_queue(user=self.request.user)}


class DossierCreateView(ScopedViewMixin, FormView):
    scope_action = Action.CHANGE
    form_class = DossierForm
    template_name = "organizations/dossier_form.html"

    def get_initial(self):
        return {"year": timezone.localdate().year - 1, "identified_on": timezone.localdate()}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            dossier = services.dossier_open(user=self.request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error("origin", str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Dossier opened. Add the plan's tasks, then submit it."))
        return redirect(dossier)


class DossierDetailView(ScopedViewMixin, DetailView):
    model = WeakDossier
    queryset = WeakDossier.objects.select_related("unit", "unit__parent", "rating", "approved_by", "carried_from")
    context_object_name = "dossier"
    template_name = "organizations/dossier_detail.html"

    def get_context_data(self, *, failed_move_form: DossierMoveForm | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        dossier, user = self.object, self.request.user
        can_change = has_right(user, Action.CHANGE, dossier.unit_id) and not dossier.is_void
        page = dossier_page(dossier=dossier, user=user)
        moves = workflow.moves_for(user, dossier)
        items = open_items(dossier) if workflow.MOVES["off_list"] in moves else None
        context.update(
            page=page,
            returned=last_return(page.timeline, dossier),
            submission=last_submission(dossier),
            can_change=can_change,
            can_edit=can_change and dossier.status in workflow.EDITABLE,
            can_edit_tasks=can_change and dossier.status in workflow.TASKS_EDITABLE,
            can_inspect=workflow.committee_above_may(user, Action.REVIEW, dossier.unit),
            can_comment=can_change or has_right(user, Action.REVIEW, dossier.unit_id),
            # The buttons are the moves the workflow allows this user now; a form sent back with errors stays open.
            move_forms=[
                failed_move_form
                if failed_move_form is not None and failed_move_form.move == move
                else DossierMoveForm(move=move, open_items=items)
                for move in moves
            ],
            task_form=PlanTaskForm(),
            inspection_form=InspectionForm(),
            comment_form=CommentForm(),
            successors=[
                link.successor
                for link in dossier.unit.successor_links.select_related("successor")
                if not dossier.ended_on and has_right(user, Action.CHANGE, link.successor_id)
            ],
            reasons=list(dossier.reasons.all()),
        )
        return context


class DossierUpdateView(ScopedViewMixin, DetailView):
    model = WeakDossier
    queryset = WeakDossier.objects.active()
    scope_action = Action.CHANGE
    template_name = "organizations/dossier_form.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_form(DossierForm(instance=self.object, user=request.user))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = DossierForm(request.POST, instance=WeakDossier.objects.get(pk=self.object.pk), user=request.user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("unit", "year", "origin", "identified_on")}
            try:
                services.dossier_update(user=request.user, dossier=self.object, **data)
            except StaleFormError as error:
                keep_input_at_version(form, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Dossier saved."))
                return redirect(self.object)
        return self.render_form(form)

    def render_form(self, form):
        return render(self.request, self.template_name, {"form": form, "dossier": self.object})


class DossierPostView(ScopedViewMixin, DetailView):
    """Base of the POST actions on a dossier page; each service checks its own right (the committee above for
    approval), the gate only lets through users who may see the dossier."""

    model = WeakDossier
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        dossier = self.get_object()
        try:
            message = self.act(dossier)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(request, message)
        return redirect(dossier)


class DossierMoveView(DossierDetailView):
    """One move of the dossier's workflow. A refusal (no right, wrong status, an incomplete dossier) is a message
    on the dossier page; a wrong entry (a date that is no date, a missing comment) is shown beside its field in the
    move's form, which stays open with what was typed, and nothing is saved."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = dossier = self.get_object()
        move = workflow.MOVES.get(self.kwargs["move"])
        try:
            if move is None:
                raise ValidationError(_("Unknown action."))
            workflow.check(user=request.user, move=move, dossier=dossier)
            items = open_items(dossier) if move.name == "off_list" else None
            form = DossierMoveForm(request.POST, request.FILES, move=move, open_items=items)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.dossier_transition(
                        user=request.user,
                        dossier=dossier,
                        move=move.name,
                        note=data.get("note", ""),
                        on=data.get("on"),
                        # The page always gives what a submission carries and why open items do not stop taking off.
                        papers=services.Papers(data["covering_note"], data["signed_plan"])
                        if move.name == "submit"
                        else None,
                        open_items_reason=data.get("open_items_reason", "") if move.name == "off_list" else None,
                    )
                except ValidationError as error:
                    if not hasattr(error, "error_dict"):
                        raise
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("Done: {action}.").format(action=move.label))
                    return redirect(dossier)
        except (ValidationError, PermissionDenied) as error:
            for text in getattr(error, "messages", [str(error)]):
                messages.error(request, text)
            return redirect(dossier)
        return self.render_to_response(self.get_context_data(failed_move_form=form))


class DossierHandOverView(DossierPostView):
    """After a merger, continue the dossier under the unit that succeeded the organization."""

    def act(self, dossier):
        successor = self.get_scoped_object(Unit.objects.all(), pk=self.request.POST.get("successor") or 0)
        new = services.dossier_hand_over(
            user=self.request.user, dossier=dossier, successor=successor, on=timezone.localdate()
        )
        return _("The dossier continues under {unit}.").format(unit=new.unit)


class DossierCommentView(DossierPostView):
    def act(self, dossier):
        services.dossier_comment(user=self.request.user, dossier=dossier, text=self.request.POST.get("text", ""))
        return _("Comment added.")


class TaskCreateView(DossierPostView):
    pk_url_kwarg = "dossier_pk"

    def act(self, dossier):
        form = PlanTaskForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()])
        services.task_save(user=self.request.user, dossier=dossier, **form.cleaned_data)
        return _("Task added to the plan.")


class TaskUpdateView(ScopedViewMixin, DetailView):
    model = PlanTask
    queryset = PlanTask.objects.select_related("dossier", "dossier__unit")
    scope_action = Action.CHANGE
    template_name = "organizations/task_form.html"

    def get(self, request, *args, **kwargs):
        task = self.get_object()
        return self.render_forms(task, PlanTaskForm(instance=task), ProgressForm())

    def post(self, request, *args, **kwargs):
        task = self.get_object()
        if "note" in request.POST:
            progress_form = ProgressForm(request.POST, request.FILES)
            if progress_form.is_valid():
                try:
                    services.task_add_progress(user=request.user, task=task, **progress_form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(progress_form, error)
                else:
                    messages.success(request, _("Progress recorded."))
                    return redirect(task.dossier)
            return self.render_forms(task, PlanTaskForm(instance=task), progress_form)
        form = PlanTaskForm(request.POST, instance=PlanTask.objects.get(pk=task.pk))
        if form.is_valid():
            try:
                services.task_save(user=request.user, dossier=task.dossier, task=task, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Task saved."))
                return redirect(task.dossier)
        return self.render_forms(task, form, ProgressForm())

    def render_forms(self, task, form, progress_form):
        return render(
            self.request,
            self.template_name,
            {
                "task": task,
                "dossier": task.dossier,
                "form": form,
                "progress_form": progress_form,
                "progress": task.progress.select_related("user"),
            },
        )


class InspectionCreateView(DossierPostView):
    pk_url_kwarg = "dossier_pk"

    def act(self, dossier):
        form = InspectionForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()])
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("conclusions")}
        services.inspection_record(user=self.request.user, dossier=dossier, conclusions=form.conclusion_rows(), **data)
        return _("Inspection recorded.")


class ConclusionDoneView(ScopedViewMixin, DetailView):
    model = InspectionConclusion
    queryset = InspectionConclusion.objects.select_related("inspection__dossier")
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        conclusion = self.get_object()
        form = ConclusionDoneForm(request.POST)
        if form.is_valid():
            try:
                services.conclusion_mark_done(user=request.user, conclusion=conclusion, on=form.cleaned_data["on"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Conclusion marked implemented."))
        else:
            messages.error(request, _("Enter the date of implementation (dd/mm/yyyy)."))
        return redirect(conclusion.inspection.dossier)


class EvidenceDownloadView(ScopedViewMixin, DetailView):
    """A plan task's evidence file, served only through the scope gate, never from the web root. A file gone from
    storage (lost in a restore, removed by hand) is a 404 for the user and an error in the log for the
    administrator, not a server error."""

    model = TaskProgress

    def get(self, request, *args, **kwargs):
        progress = self.get_object()
        return file_download_response(progress.evidence, filename=progress.evidence.name)


class SignedPlanDownloadView(ScopedViewMixin, DetailView):
    """The signed plan that went up with a submission, served only through the scope gate, as evidence is."""

    model = DossierSubmission

    def get(self, request, *args, **kwargs):
        submission = self.get_object()
        return file_download_response(submission.signed_plan, filename=submission.signed_plan.name)
