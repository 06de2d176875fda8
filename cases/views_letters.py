"""The letters register (sổ theo dõi đơn thư): list, registration, the letter page with its classification and
handling. Letters are counted apart from cases (a case may gather several letters)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView

from accounts.confidentiality import mask_records, may_see_identity
from accounts.roles import Action
from accounts.scoping import ScopedFilterView, ScopedViewMixin, has_right, unit_scope
from cases import services, transfers
from cases.filtersets import LetterFilterSet
from cases.forms import NoteForm
from cases.forms_letters import LetterClassifyForm, LetterDisposeForm, LetterForm
from cases.models import Letter
from core.generic import add_service_errors
from core.history import history_entries


def has_sender(letter: Letter) -> bool:
    return letter.sender_id is not None


class LetterListView(ScopedFilterView):
    model = Letter
    queryset = Letter.objects.active().select_related("unit", "sender", "case").order_by("-received_on", "-pk")
    filterset_class = LetterFilterSet
    template_name = "cases/letter_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # Senders of protected letters masked, those shown logged (accounts/confidentiality.py).
        mask_records(context["object_list"], user=user, path=self.request.get_full_path(), names_someone=has_sender)
        context["can_create"] = not unit_scope(user, Action.CHANGE).is_empty
        return context


class LetterCreateView(ScopedViewMixin, FormView):
    """Register a letter, and classify it at once when the content is clear. The unit list is scoped to where
    the user may register letters; the services check again."""

    scope_action = Action.CHANGE

    form_class = LetterForm
    template_name = "cases/letter_form.html"

    def form_valid(self, form):
        user = self.request.user
        try:
            letter = services.letter_receive(
                user=user, unit=form.cleaned_data["unit"], **form.registration(), **(form.classification() or {})
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Letter {number} registered.").format(number=letter.number))
        return redirect(letter)


class LetterPageMixin:
    """The letter page, shown by the detail view and again by the classify and dispose views with their
    errors next to the fields."""

    page_template = "cases/letter_detail.html"
    template_name: str | None = page_template  # Django's views declare it optional
    request: HttpRequest

    def render_page(self, letter: Letter, *, classify_form=None, dispose_form=None):
        request, user = self.request, self.request.user
        can_see_identity = may_see_identity(user, letter.unit_id)
        mask_records([letter], user=user, path=request.path, names_someone=has_sender)
        can_change = has_right(user, Action.CHANGE, letter.unit_id) and not letter.is_void
        open_to_handle = can_change and not letter.disposition
        if open_to_handle and classify_form is None:
            classify_form = LetterClassifyForm(instance=letter, user=user)
        if open_to_handle and letter.content and dispose_form is None:
            dispose_form = LetterDisposeForm(letter=letter, user=user)
        mask = frozenset({"sender"}) if letter.identity_masked else frozenset()
        context = {
            "letter": letter,
            "object": letter,
            "can_change": can_change,
            "can_see_identity": can_see_identity,
            # A posted form is shown again with its errors, even one saying the letter is already handled.
            "classify_form": classify_form,
            "dispose_form": dispose_form,
            "history": history_entries(letter.history.all(), label=_("Letter"), mask_fields=mask),
            "attachments_upload_url": reverse("cases:attachment_upload_letter", kwargs={"letter_pk": letter.pk}),
            "attachment_max_mb": settings.ATTACHMENT_MAX_MB,
            # Voided documents stay listed, struck through, as on the case page.
            "letter_attachments": list(letter.attachments.select_related("uploaded_by")),
            "notes": list(letter.notes.select_related("author")),
            "can_write_notes": services.may_write_notes(user, letter.unit_id) and not letter.is_void,
            "note_form": NoteForm(),
            "note_url": reverse("cases:letter_note_add", kwargs={"pk": letter.pk}),
            # Transfers to the competent unit (cases/transfers.py): a classified letter not yet handled may go.
            "transfer_lines": transfers.transfers_of(letter=letter),
            "transfer_url": reverse("cases:letter_transfer", kwargs={"pk": letter.pk})
            if open_to_handle and letter.content
            else "",
            "can_urge": can_change,
        }
        return render(request, self.page_template, context)


class LetterDetailView(LetterPageMixin, ScopedViewMixin, DetailView):
    model = Letter
    queryset = Letter.objects.select_related("unit", "sender", "field", "case", "source_visit__session", "created_by")

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_object())


class LetterActionView(LetterPageMixin, ScopedViewMixin, DetailView):
    """Base of the POST forms of the letter page: fetch the letter through the gate (CHANGE), run one service,
    go back to the page; on an error, show the page again with the messages next to the fields."""

    model = Letter
    queryset = Letter.objects.active().select_related(
        "unit", "sender", "field", "case", "source_visit__session", "created_by"
    )
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        letter = self.get_object()
        form = self.get_form(letter)
        if form.is_valid():
            try:
                message = self.act(letter, form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(letter)
        # The services change the letter in memory before validating; show the page from the stored row.
        return self.render_page(self.get_object(), **{self.form_name: form})


class LetterClassifyView(LetterActionView):
    form_name = "classify_form"

    def get_form(self, letter):
        # The form gets its own copy: a model form writes the posted values onto its instance while validating.
        return LetterClassifyForm(
            self.request.POST, instance=Letter.objects.select_related("case").get(pk=letter.pk), user=self.request.user
        )

    def act(self, letter, form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.letter_classify(user=self.request.user, letter=letter, **data)
        return _("Letter classified: {content}.").format(content=letter.get_content_display())


class LetterDisposeView(LetterActionView):
    form_name = "dispose_form"

    def get_form(self, letter):
        return LetterDisposeForm(self.request.POST, letter=letter, user=self.request.user)

    def act(self, letter, form):
        letter = services.letter_dispose(user=self.request.user, letter=letter, **form.service_arguments())
        if letter.case_id:
            return _("Letter handled: it is now part of case {number}.").format(number=letter.case.number)
        return _("Letter handled: {disposition}.").format(disposition=letter.get_disposition_display())
