"""Forms that every app needs alike. Pure Django: no application imports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# The date input of filters and forms: dd/mm/yyyy, as officials write dates, with the numeric keypad on phones.
DATE_INPUT = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")

# What the void_reason columns take where they are text; a record that keeps less passes its own limit.
VOID_REASON_MAX_LENGTH = 1000


class VoidReasonForm(forms.Form):
    """The reason for voiding a record (a case, a session, a visit, a document, an import). Records are never
    deleted: one entered by mistake is voided and kept with the reason, so the reason is required, and a reason
    of spaces is none (the field strips it). One form, so every voiding asks and refuses in the same words."""

    def __init__(self, *args, max_length: int = VOID_REASON_MAX_LENGTH, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label=_("Reason for voiding"),
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=max_length,
            error_messages={"required": _("Give the reason for voiding.")},
        )


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A form's choice of records by name, to narrow its queryset once the form is built (Form.fields holds them
    typed as any field)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), f"{name} is not a choice of records"
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field by name, to narrow its choices once the form is built."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
    return field
