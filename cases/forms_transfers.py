"""The forms of transfers between units: sending (to a unit of the system or a body outside it), returning, urging.

The receiving unit is a plain choice of today's committees, not a ScopedForm's restricted choice of records: the
competent unit lies outside the sender's scope by nature (cases/transfers.py). It is offered by id and name only,
so no record of another unit is exposed, and the service checks the unit again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.transfers import receiving_units
from organizations.models import Unit

REASON_MAX_LENGTH = 4000


class TransferSendForm(forms.Form):
    to_unit = forms.TypedChoiceField(
        label=_("Competent unit of the system"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Another ward, the committee above or the City."),
    )
    outside_body = forms.CharField(
        label=_("Or a competent body outside the system"),
        max_length=300,
        required=False,
        help_text=_("For example a court, the police, a state agency."),
    )
    reason = forms.CharField(
        label=_("Reason for the transfer"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, from_unit_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in receiving_units(exclude=from_unit_id)}
        self.fields["to_unit"].choices = [("", "—"), *((pk, unit.name) for pk, unit in self.units.items())]  # type: ignore[attr-defined]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_unit") and cleaned.get("outside_body", "").strip():
            self.add_error("outside_body", _("Choose a unit of the system or name a body outside it, not both."))
        elif not cleaned.get("to_unit") and not cleaned.get("outside_body", "").strip() and "to_unit" in cleaned:
            self.add_error("to_unit", _("Choose the competent unit or name the competent body."))
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        to_unit: Unit | None = self.units[data["to_unit"]] if data.get("to_unit") else None
        return {"to_unit": to_unit, "outside_body": data.get("outside_body", ""), "reason": data["reason"]}


class TransferReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class TransferUrgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=REASON_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
