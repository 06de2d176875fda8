"""Exports of the case list and saved filters. Both are personal: every view starts from the requesting user's
own rows, so another user's export or filter is a 404. What an export contains is scoped by the export
service (the units where the user may export, identities masked without the right)."""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from accounts.roles import Action
from accounts.scoping import ScopedViewMixin
from cases.exports import (
    CONTENT_TYPES,
    FORMATS,
    QUERY_MAX_LENGTH,
    clean_query,
    export_create,
    export_filename,
    export_run,
    saved_filter_create,
    saved_filter_delete,
)
from cases.models import ExportJob, SavedFilter
from cases.tasks import run_export
from core.downloads import file_download_response
from core.publish import publish, queue_down_message
from core.ratelimit import ratelimit

logger = logging.getLogger(__name__)


def case_list_url(query: str) -> str:
    url = reverse("cases:case_list")
    return f"{url}?{query}" if query else url


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[(value, value.upper()) for value in FORMATS])
    query = forms.CharField(max_length=QUERY_MAX_LENGTH * 2, required=False, strip=False)


class SavedFilterForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the filter"),
        max_length=SavedFilter._meta.get_field("name").max_length,
        error_messages={"required": gettext_lazy("Give the filter a name.")},
    )
    query = forms.CharField(max_length=QUERY_MAX_LENGTH * 2, required=False, strip=False)


def _errors(form_or_error) -> str:
    if isinstance(form_or_error, ValidationError):
        return " ".join(form_or_error.messages)
    return " ".join(error for errors in form_or_error.errors.values() for error in errors)


class OwnExportsMixin(ScopedViewMixin):
    """An export belongs to the user who asked for it: nobody else may see its progress or download it (the gate's
    OwnedQuerySet); only a user with the export right somewhere comes this far."""

    scope_action = Action.EXPORT


@method_decorator(ratelimit("export", methods=("POST",)), name="dispatch")
class ExportCreateView(OwnExportsMixin, ListView):
    """GET: the user's recent exports (to come back to a long one). POST: export the list as it is filtered:
    small exports are written at once, large ones in a worker while the status page shows the progress."""

    model = ExportJob
    template_name = "cases/export_status.html"
    context_object_name = "jobs"
    paginate_by = 20

    def post(self, request, *args, **kwargs):
        form = ExportForm(request.POST)
        query = request.POST.get("query", "")
        if not form.is_valid():
            messages.error(request, _errors(form))
            return redirect(case_list_url(clean_query(query)))
        try:
            job = export_create(user=request.user, format=form.cleaned_data["format"], query=query)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, _errors(error) if isinstance(error, ValidationError) else str(error))
            return redirect(case_list_url(clean_query(query)))
        if job.rows_total <= settings.EXPORT_INLINE_MAX_ROWS:
            export_run(job_id=job.pk)
        else:
            language = get_language()
            transaction.on_commit(lambda: _queue_export(request, job.pk, language))
        return redirect("cases:export_status", pk=job.pk)


def _queue_export(request: HttpRequest, job_pk: int, language: str) -> None:
    """Hand a large export to a worker. With the broker down the job keeps waiting and the user is told: the
    beat sweep (config/tasks.py) queues it when the broker is back."""
    if not publish(run_export, job_pk, language=language):
        messages.warning(request, queue_down_message())


class ExportStatusView(OwnExportsMixin, DetailView):
    """The progress of one export, polled by htmx every 2 s (the fragment) until it is ready or failed."""

    model = ExportJob
    template_name = "cases/export_status.html"
    context_object_name = "job"

    def get_template_names(self):
        if self.request.htmx:
            return ["cases/export_status.html#progress"]
        return [self.template_name]


@method_decorator(ratelimit("export"), name="dispatch")
class ExportDownloadView(OwnExportsMixin, DetailView):
    """The file of a finished export, as a download that is never cached."""

    model = ExportJob

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if job.status != ExportJob.Status.DONE:
            raise Http404
        return file_download_response(job.file, filename=export_filename(job), content_type=CONTENT_TYPES[job.format])


class SavedFilterCreateView(ScopedViewMixin, View):
    """Save the list's current filter under a name, then return to the list with that filter."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = SavedFilterForm(request.POST)
        query = clean_query(request.POST.get("query", ""))
        if not form.is_valid():
            messages.error(request, _errors(form))
            return redirect(case_list_url(query))
        try:
            saved = saved_filter_create(user=request.user, name=form.cleaned_data["name"], query=query)
        except ValidationError as error:
            messages.error(request, _errors(error))
            return redirect(case_list_url(query))
        messages.success(request, _("Filter “{name}” saved.").format(name=saved.name))
        return redirect(case_list_url(saved.query))


class SavedFilterDeleteView(ScopedViewMixin, DetailView):
    """Delete one of the user's saved filters (another user's is a 404) and return to the list as it was."""

    model = SavedFilter
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        saved = self.get_object()
        saved_filter_delete(saved_filter=saved)
        messages.success(request, _("Saved filter “{name}” deleted.").format(name=saved.name))
        return redirect(case_list_url(clean_query(request.POST.get("query", ""))))
