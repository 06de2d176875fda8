from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action
from organizations.choices import UnitKind
from organizations.models import Inspection, PlanTask, Unit, WeakDossier, WeakReason

DATE_INPUT = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")
PARTY_KINDS = [UnitKind.GRASSROOTS, UnitKind.CELL, UnitKind.COMMUNE]


class DossierForm(forms.ModelForm):
    class Meta:
        model = WeakDossier
        fields = ["unit", "year", "origin", "identified_on", "reasons", "other_reasons", "responsible_leader", "goals"]
        widgets = {
            "identified_on": DATE_INPUT,
            "reasons": forms.CheckboxSelectMultiple,
            "origin": forms.RadioSelect,
            "other_reasons": forms.Textarea(attrs={"rows": 2}),
            "goals": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            Unit.objects.visible_to(user, Action.CHANGE).current().filter(kind__in=PARTY_KINDS).order_by("name")
            | Unit.objects.visible_to(user, Action.REVIEW).current().filter(kind__in=PARTY_KINDS).order_by("name")
        ).distinct()
        self.fields["reasons"].queryset = WeakReason.objects.all()
        self.fields["origin"].choices = self.fields["origin"].choices[1:]
        if self.instance.pk:
            for name in ("unit", "year", "origin", "identified_on"):
                self.fields[name].disabled = True


class PlanTaskForm(forms.ModelForm):
    class Meta:
        model = PlanTask
        fields = ["solution", "task_type", "owner", "deadline", "status"]
        widgets = {"solution": forms.Textarea(attrs={"rows": 2}), "deadline": DATE_INPUT}


class ProgressForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False)


class InspectionForm(forms.ModelForm):
    conclusions = forms.CharField(
        label=_("Conclusions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: each becomes an action item tracked until implemented."),
    )
    conclusions_deadline = forms.DateField(label=_("Deadline for the conclusions"), required=False, widget=DATE_INPUT)

    class Meta:
        model = Inspection
        fields = ["kind", "on", "team", "findings"]
        widgets = {
            "on": DATE_INPUT,
            "kind": forms.RadioSelect,
            "team": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 3}),
        }

    def conclusion_rows(self) -> list[dict]:
        deadline = self.cleaned_data.get("conclusions_deadline")
        lines = [line.strip() for line in self.cleaned_data.get("conclusions", "").splitlines()]
        return [{"text": line, "deadline": deadline} for line in lines if line]


class DossierMoveForm(forms.Form):
    note = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    on = forms.DateField(label=_("Date"), widget=DATE_INPUT, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ConclusionDoneForm(forms.Form):
    on = forms.DateField(label=_("Implemented on"), widget=DATE_INPUT)
