"""Pages of spreadsheet imports: the list, upload, the preview with its errors and confirmation, progress while a
worker runs, the result with the records created and the voiding of a mistaken import, and the templates."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from accounts.confidentiality import may_see_identity, record_label
from accounts.roles import Action
from accounts.scoping import ScopedForm, ScopedViewMixin, role_assignments
from citizens.models import Citizen
from citizens.selectors import citizens_shown
from core.downloads import content_download_response
from core.forms import VoidReasonForm
from core.generic import add_service_errors
from core.publish import publish, queue_down_message
from imports import service
from imports.models import ImportBatch, ImportedRecord
from imports.registry import KINDS, importer_for, kind_choices
from imports.tasks import run_import
from imports.templates import template_workbook
from organizations.models import Unit

RECORDS_SHOWN = 200


class ImportForm(ScopedForm):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=gettext_lazy("Into the unit"),
        queryset=Unit.objects.none(),
        help_text=gettext_lazy("Rows may name units below it by their code; rows of other units are errors."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("Excel workbook (.xlsx) or CSV file (.csv), with the headings of the template."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["kind"].choices = kind_choices()
        # Registers are kept by committees (city, commune/ward); organizations below are named on the rows.
        units = Unit.objects.visible_to(user, Action.CHANGE).committees().order_by("name")
        self.fields["unit"].queryset = units
        if not self.is_bound and "unit" not in self.initial:
            own = [a.unit_id for a in role_assignments(user) if Action.CHANGE in a.rights]
            offered = set(units.filter(pk__in=own).values_list("pk", flat=True))
            self.initial["unit"] = next((pk for pk in own if pk in offered), None)


class BatchListView(ScopedViewMixin, ListView):
    """Imports into the units where the user may change records, newest first."""

    model = ImportBatch
    scope_action = Action.CHANGE
    template_name = "imports/batch_list.html"
    context_object_name = "batches"
    paginate_by = 30

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "user")


class BatchCreateView(ScopedViewMixin, FormView):
    """Upload a file: small files are checked at once, larger ones by a worker; then the preview."""

    scope_action = Action.CHANGE

    form_class = ImportForm
    template_name = "imports/batch_form.html"

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", "")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["importers"] = [importer_for(kind) for kind in KINDS]
        return context

    def form_valid(self, form):
        try:
            batch = service.batch_create(
                user=self.request.user,
                kind=form.cleaned_data["kind"],
                unit=form.cleaned_data["unit"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if service.runs_inline(batch):
            service.batch_preview(batch_id=batch.pk)
        else:
            transaction.on_commit(lambda: _queue(self.request, batch.pk, "preview"))
        return redirect(batch)


def _queue(request: HttpRequest, batch_id: int, step: str) -> None:
    """Hand the check or the write of a large file to a worker. With the broker down the batch keeps waiting and
    the user is told: the beat sweep (config/tasks.py) queues it when the broker is back."""
    if not publish(run_import, batch_id, step):
        messages.warning(request, queue_down_message())


class BatchDetailView(ScopedViewMixin, DetailView):
    """The preview (counts, errors by row and column, first rows to create and update) with the confirm button;
    progress while a worker checks or imports (htmx polling, then a reload); the result with its records."""

    model = ImportBatch
    scope_action = Action.CHANGE
    template_name = "imports/batch_detail.html"
    context_object_name = "batch"

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "user", "voided_by")

    def get_template_names(self):
        if self.request.htmx and self.request.GET.get("progress"):
            return ["imports/batch_detail.html#progress"]
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if self.request.htmx and self.request.GET.get("progress") and not self.object.is_working:
            response["HX-Refresh"] = "true"  # checked or imported: reload to show the preview or the result
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.object
        importer = importer_for(batch.kind)
        context.update(
            importer=importer,
            can_confirm=service.can_confirm(batch),
            earlier=service.earlier_imports(batch).order_by("-finished_at")[:3],
        )
        # The rows of the file and the records made from them may name a denouncer: they are shown to the official
        # who brought the file (who has it anyway) and to those who may see identities in the unit; anyone else sees
        # the counts and the errors, and each record by its kind and number.
        user = self.request.user
        context["rows_shown"] = batch.user_id == user.pk or may_see_identity(user, batch.unit_id)
        if batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.VOIDED):
            links = batch.records.select_related("content_type").prefetch_related("record").order_by("row", "pk")
            context["records_total"] = links.count()
            context["records"] = self._records_as_shown(
                [link for link in links[:RECORDS_SHOWN] if link.record is not None], shown=context["rows_shown"]
            )
        return context

    def _records_as_shown(self, links: list[ImportedRecord], *, shown: bool) -> list[tuple[ImportedRecord, str]]:
        """Each imported record with the text the page shows for it: its name, or its kind and number when that
        name could be a protected identity the reader may not see."""
        if shown:
            return [(link, str(link.record)) for link in links]
        citizens = [link.object_id for link in links if isinstance(link.record, Citizen)]
        known = set(
            citizens_shown(Citizen.objects.filter(pk__in=citizens), self.request.user).values_list("pk", flat=True)
        )
        labelled = []
        for link in links:
            record = link.record
            if record is not None and (
                getattr(record, "is_confidential", False) or (isinstance(record, Citizen) and record.pk not in known)
            ):
                labelled.append((link, record_label(record)))
            else:
                labelled.append((link, str(record)))
        return labelled


class BatchConfirmView(ScopedViewMixin, DetailView):
    """Confirm the preview: imported at once for a small file, by a worker for a large one."""

    model = ImportBatch
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        batch = self.get_object()
        try:
            batch = service.batch_confirm(user=request.user, batch=batch)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(batch)
        if service.runs_inline(batch):
            service.batch_import(batch_id=batch.pk)
            batch.refresh_from_db()
            if batch.status == ImportBatch.Status.DONE:
                messages.success(request, _("Imported: nothing was left out but the rows with errors."))
        else:
            transaction.on_commit(lambda: _queue(request, batch.pk, "import"))
        return redirect(batch)


class BatchVoidView(ScopedViewMixin, DetailView):
    """Void everything an import created, with a reason (see each kind's note on the page)."""

    model = ImportBatch
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        batch = self.get_object()
        form = VoidReasonForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors["reason"])
            service.batch_void(user=request.user, batch=batch, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The import has been voided."))
        return redirect(batch)


class TemplateDownloadView(View):
    """The template of one kind: Vietnamese (or English) headings, an example row, and a sheet explaining each
    column and its accepted values. It holds no unit's data."""

    def get(self, request, kind: str):
        if kind not in KINDS:
            raise Http404
        out = io.BytesIO()
        template_workbook(importer_for(kind)).save(out)
        return content_download_response(out.getvalue(), filename=f"mau-nhap-{kind}.xlsx")
