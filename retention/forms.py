from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action
from accounts.scoping import ScopedForm, unit_scope
from core.forms import DATE_INPUT
from organizations.models import Unit
from retention.models import RecordKind


class DisposalForm(ScopedForm):
    """The committee's approval of a disposal: the decision it rests on and the records it covers, chosen in the
    list as "kind:id" values."""

    scope_action = Action.APPROVE

    unit: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Approving unit"),
        queryset=Unit.objects.filter(valid_to__isnull=True),
        help_text=_("The records must belong to this unit or the units below it."),
    )
    decision = forms.CharField(
        label=_("Decision"), max_length=100, help_text=_("Number of the decision or minutes approving the disposal.")
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    records = forms.MultipleChoiceField(label=_("Records"), choices=[], required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roots = unit_scope(self.user, Action.APPROVE).roots
        if not self.is_bound and len(roots) == 1:
            self.initial["unit"] = next(iter(roots))
        self.initial.setdefault("decided_on", timezone.localdate())
        self.fields["records"].error_messages["required"] = _("Choose the records to dispose of.")

    def clean_records(self) -> list[tuple[str, int]]:
        pairs = []
        for value in self.cleaned_data["records"]:
            kind, _sep, number = value.partition(":")
            if kind not in RecordKind.values or not number.isdigit():
                raise forms.ValidationError(_("Unknown record."))
            pairs.append((kind, int(number)))
        return pairs

    def full_clean(self):
        # The records offered are whatever the list showed: any "kind:id" is accepted here and checked by the
        # service against the records actually past their period.
        if self.is_bound:
            self.fields["records"].choices = [(value, value) for value in self.data.getlist("records")]
        super().full_clean()


class HoldForm(forms.Form):
    kind = forms.ChoiceField(choices=RecordKind.choices, widget=forms.HiddenInput)
    record_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the hold"),
        max_length=300,
        help_text=_("For example: under inspection, requested by a court."),
    )
