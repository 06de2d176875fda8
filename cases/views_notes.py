"""Internal notes on cases and letters: written by whoever changes the record or records its decisions, shown
on the record's page to whoever sees it, never deleted."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from accounts.scoping import ScopedViewMixin
from cases import services
from cases.forms import NoteForm
from cases.models import Case, Letter


class NoteAddView(ScopedViewMixin, DetailView):
    """POST a note on the record fetched through the gate (VIEW: 404 outside scope); the right to write it is
    the service's to check (403 for one who may only read)."""

    model: type[Case] | type[Letter]
    parent_field: str
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        parent = self.get_object()
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                services.note_add(user=request.user, text=form.cleaned_data["text"], **{self.parent_field: parent})
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Note added."))
                return redirect(parent.get_absolute_url() + "#notes")
        else:
            for errors in form.errors.values():
                messages.error(request, f"{_('Note')}: {' '.join(errors)}")
        return redirect(parent.get_absolute_url() + "#notes")


class CaseNoteAddView(NoteAddView):
    model = Case
    parent_field = "case"


class LetterNoteAddView(NoteAddView):
    model = Letter
    parent_field = "letter"
