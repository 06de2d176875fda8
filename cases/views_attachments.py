"""Uploading, downloading and voiding the documents of cases and letters. Every file goes through the scope
gate, and a document of a denunciation only to those with the identity right, each opening logged."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from accounts.confidentiality import is_masked, log_identity_views
from accounts.roles import Action
from accounts.scoping import ScopedViewMixin
from cases.attachments import (
    VOID_REASON_MAX_LENGTH,
    attachment_add,
    attachment_void,
)
from cases.models import Attachment, Case, Letter
from core.downloads import file_download_response
from core.forms import VoidReasonForm
from core.generic import add_service_errors
from core.uploads import ALLOWED_EXTENSIONS


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("For example: minutes of the verification meeting, 12/03/2026."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)
        self.fields["file"].help_text = _("PDF, Word, Excel, OpenDocument, JPG or PNG, up to {size} MB.").format(
            size=settings.ATTACHMENT_MAX_MB
        )


class AttachmentUploadView(ScopedViewMixin, View):
    """GET: the upload form on its own page; POST: store the document and return to the record's page. The
    parent record is fetched through the gate with the right to change it."""

    model: type[Case] | type[Letter]
    parent_kwarg: str  # the URL keyword
    parent_field: str  # the argument of attachment_add
    scope_action = Action.CHANGE
    template_name = "cases/attachment_form.html"

    def get_parent(self) -> Case | Letter:
        return self.get_scoped_object(self.model.objects.all(), pk=self.kwargs[self.parent_kwarg])

    def get(self, request, *args, **kwargs):
        return self.render_form(AttachmentForm(), self.get_parent())

    def post(self, request, *args, **kwargs):
        parent = self.get_parent()
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment_add(
                    user=request.user,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    **{self.parent_field: parent},
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Document attached."))
                return redirect(parent.get_absolute_url())
        return self.render_form(form, parent)

    def render_form(self, form: AttachmentForm, parent: Case | Letter):
        return render(self.request, self.template_name, {"form": form, "parent": parent})


class CaseAttachmentUploadView(AttachmentUploadView):
    model = Case
    parent_kwarg = "case_pk"
    parent_field = "case"


class LetterAttachmentUploadView(AttachmentUploadView):
    model = Letter
    parent_kwarg = "letter_pk"
    parent_field = "letter"


class AttachmentDownloadView(ScopedViewMixin, DetailView):
    """Serve a document as a download (never rendered inline), after the scope gate; a voided or infected file
    is refused, and a denunciation's document needs the identity right and is logged."""

    model = Attachment
    queryset = Attachment.objects.select_related("case", "letter")

    def get(self, request, *args, **kwargs):
        attachment = self.get_object()
        if attachment.is_void or attachment.scan_status == Attachment.ScanStatus.INFECTED:
            raise PermissionDenied(_("This document is voided or blocked and cannot be downloaded."))
        if attachment.is_confidential:
            if is_masked(request.user, unit_id=attachment.unit_id, confidential=True):
                raise PermissionDenied(_("This document is confidential (denunciation)."))
            log_identity_views(user=request.user, records=[attachment], path=request.path)
        return file_download_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )


class AttachmentVoidView(ScopedViewMixin, DetailView):
    model = Attachment
    queryset = Attachment.objects.select_related("case", "letter")
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        attachment = self.get_object()
        parent = attachment.case if attachment.case_id else attachment.letter
        form = VoidReasonForm(request.POST, max_length=VOID_REASON_MAX_LENGTH)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(parent.get_absolute_url())
        try:
            attachment_void(user=request.user, attachment=attachment, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The document has been voided; it is kept with the reason."))
        return redirect(parent.get_absolute_url())
