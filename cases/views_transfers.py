"""Transfers between units (cases/transfers.py): sending from the letter or case page, the receiver's inbox and
its actions (acknowledge, register, return), the sender's urging.

Each side goes through the gate on its own unit: the receiver's pages fetch the transfer by its receiving unit
(Transfer.objects.visible_to, CHANGE), the sender's urging by its sending unit (sent_from, CHANGE); a transfer is a
404 to everyone else. The receiver sees the transferred item's summary through the transfer, never the sender's
other records, and the sender's person masked unless it may see identities in the receiving unit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from accounts.confidentiality import mask_records
from accounts.roles import Action
from accounts.scoping import ScopedViewMixin
from cases import transfers
from cases.forms_transfers import TransferReturnForm, TransferSendForm, TransferUrgeForm
from cases.models import Case, Letter, Transfer, TransferStatus
from core.generic import add_service_errors
from core.pagination import CappedPaginator


def names_someone(transfer: Transfer) -> bool:
    """Whether the transferred item shows a person (an anonymous letter shows nobody)."""
    record = transfer.record
    return (record.sender_id if isinstance(record, Letter) else record.complainant_id) is not None


def _mask(transfer_list, request):
    """The sender's person, judged in the receiving unit (the page is the receiver's); views logged."""
    return mask_records(
        transfer_list,
        user=request.user,
        path=request.get_full_path(),
        unit_id=lambda transfer: transfer.to_unit_id,
        names_someone=names_someone,
    )


class TransferSendView(ScopedViewMixin, DetailView):
    """GET: the form "transfer to the competent unit or body" for a letter or case; POST: send it and go back to
    the record's page, or show the form again with the errors next to the fields."""

    scope_action = Action.CHANGE
    template_name = "cases/transfers/send.html"

    def send(self, record, form):
        arguments = form.service_arguments()
        if isinstance(record, Letter):
            return transfers.transfer_letter(user=self.request.user, letter=record, **arguments)
        return transfers.transfer_case(user=self.request.user, case=record, **arguments)

    def page(self, record, form):
        return render(self.request, self.template_name, {"record": record, "object": record, "form": form})

    def get(self, request, *args, **kwargs):
        record = self.get_object()
        return self.page(record, TransferSendForm(from_unit_id=record.unit_id))

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        form = TransferSendForm(request.POST, from_unit_id=record.unit_id)
        if form.is_valid():
            try:
                transfer = self.send(record, form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Transferred to {body}.").format(body=transfer.receiver_name))
                return redirect(record.get_absolute_url() + "#transfers")
        return self.page(self.get_object(), form)


class LetterTransferView(TransferSendView):
    model = Letter
    queryset = Letter.objects.active().select_related("unit")


class CaseTransferView(TransferSendView):
    model = Case
    queryset = Case.objects.active().select_related("unit")


RECEIVER_RELATED = ("from_unit", "to_unit", "letter__sender", "letter__case", "case__complainant", "registered_letter")


class TransferInboxView(ScopedViewMixin, ListView):
    """ "Letters and cases transferred to us": the transfers to the units where the user may change records."""

    model = Transfer
    scope_action = Action.CHANGE
    queryset = Transfer.objects.exclude(to_unit=None).select_related(*RECEIVER_RELATED).order_by("-sent_on", "-pk")
    template_name = "cases/transfers/inbox.html"
    paginate_by = 50
    paginator_class = CappedPaginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _mask(context["object_list"], self.request)
        return context


class TransferDetailView(ScopedViewMixin, DetailView):
    """The transferred item as the receiver sees it, with the receiver's actions."""

    model = Transfer
    scope_action = Action.CHANGE
    queryset = Transfer.objects.select_related(*RECEIVER_RELATED)
    template_name = "cases/transfers/detail.html"

    def get(self, request, *args, **kwargs):
        return self.page(self.get_object())

    def page(self, transfer, return_form=None):
        _mask([transfer], self.request)
        open_ = transfer.status in (TransferStatus.SENT, TransferStatus.RECEIVED)
        context = {
            "transfer": transfer,
            "object": transfer,
            "record": transfer.record,
            "is_open": open_,
            "return_form": return_form or TransferReturnForm(),
        }
        return render(self.request, self.template_name, context)


class TransferActionView(TransferDetailView):
    """The receiver's POST actions: fetched by the receiving unit (CHANGE), back to the transfer's page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        transfer = self.get_object()
        try:
            return self.act(transfer)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(transfer)


class TransferAcknowledgeView(TransferActionView):
    def act(self, transfer):
        transfers.transfer_acknowledge(user=self.request.user, transfer=transfer)
        messages.success(self.request, _("Transfer acknowledged."))
        return redirect(transfer)


class TransferRegisterView(TransferActionView):
    def act(self, transfer):
        transfer = transfers.transfer_register(user=self.request.user, transfer=transfer)
        assert transfer.registered_letter is not None
        messages.success(
            self.request,
            _("Registered as letter {number}.").format(number=transfer.registered_letter.number),
        )
        return redirect(transfer.registered_letter)


class TransferReturnView(TransferActionView):
    def act(self, transfer):
        form = TransferReturnForm(self.request.POST)
        if not form.is_valid():
            return self.page(self.get_object(), return_form=form)
        try:
            transfers.transfer_return(user=self.request.user, transfer=transfer, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.page(self.get_object(), return_form=form)
        messages.success(self.request, _("Transfer returned to the sender."))
        return redirect("cases:transfer_inbox")


class TransferUrgeView(ScopedViewMixin, DetailView):
    """The sender urges the receiver: fetched by the sending unit (CHANGE), back to the letter's or case's page."""

    model = Transfer
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def get_queryset(self):
        return Transfer.objects.sent_from(self.request.user, self.scope_action).select_related("letter", "case")

    def post(self, request, *args, **kwargs):
        transfer = self.get_object()
        form = TransferUrgeForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
        else:
            try:
                transfers.transfer_urge(user=request.user, transfer=transfer, note=form.cleaned_data["note"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Urge recorded."))
        return redirect(transfer.record.get_absolute_url() + "#transfers")
