from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.confidentiality import is_masked, log_identity_views
from accounts.models import User
from accounts.roles import ROLE_RIGHTS, Action
from accounts.scoping import ScopedForm, ancestor_ids
from cases.choices import CaseKind, Designation, Outcome
from cases.models import Case, CaseField
from core.forms import DATE_INPUT, model_choice_field
from core.versions import record_version, version_field


class CaseForm(forms.ModelForm):
    """The particulars of a case that the handling unit keeps up to date, and the version of the case they were
    loaded from (core.versions: a save over someone else's later change is refused)."""

    version = version_field()

    class Meta:
        model = Case
        fields = [
            "kind",
            "field",
            "summary",
            "people_count",
            "other_complainants",
            "respondent",
            "complexity",
            "is_remote_area",
            "money_returned",
            "land_returned",
            "people_disciplined",
            "result_notes",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "other_complainants": forms.Textarea(attrs={"rows": 2}),
            "result_notes": forms.Textarea(attrs={"rows": 3}),
            "complexity": forms.RadioSelect,
            "kind": forms.RadioSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = record_version(self.instance)
        self.fields["field"].queryset = CaseField.objects.filter(is_active=True)
        self.fields["kind"].choices = CaseKind.choices
        case = self.instance
        if is_masked(user, unit_id=case.unit_id, confidential=case.is_confidential):
            # Who brought a denunciation is protected (accounts/confidentiality.py): the other complainants' names
            # are not shown, and the kind stays a denunciation (changing it would unmask them).
            del self.fields["other_complainants"]
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _(
                "Only an official with the right to see confidential identities can change it."
            )
        elif case.is_confidential and case.other_complainants:
            log_identity_views(user=user, records=[case], path=reverse("cases:case_update", kwargs={"pk": case.pk}))


class TransitionForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE_INPUT, required=False, help_text=_("Empty: today."))
    note = forms.CharField(
        label=_("Reason or decision"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices], required=False)

    def clean_on(self):
        return self.cleaned_data["on"] or timezone.localdate()


class AssignForm(ScopedForm):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people who may change this unit's records, so the list leaks no one from elsewhere.
        model_choice_field(self, "handler").queryset = (
            User.objects.filter(
                is_active=True,
                role_assignments__is_active=True,
                role_assignments__role__in=[role for role, rights in ROLE_RIGHTS.items() if Action.CHANGE in rights],
                role_assignments__unit_id__in=ancestor_ids(case.unit_id),
            )
            .distinct()
            .order_by("full_name")
        )


class ExtendForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DesignateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Flag"), choices=Designation.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class MergeForm(forms.Form):
    """The case that goes on is typed by its register number: a unit may hold thousands of cases, too many for a
    list to choose from (the possible duplicates on the page give the likely numbers)."""

    into = forms.CharField(
        label=_("Number of the case that goes on"),
        max_length=30,
        help_text=_("A case of the same unit, e.g. 12/2026."),
    )

    def __init__(self, *args, user, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.case = user, case

    def clean_into(self) -> Case:
        number = self.cleaned_data["into"].strip()
        into = (
            Case.objects.visible_to(self.user, Action.CHANGE)
            .active()
            .filter(unit=self.case.unit, number__iexact=number)
            .exclude(pk=self.case.pk)
            .first()
        )
        if into is None:
            raise ValidationError(
                _("No other open case of %(unit)s has the number %(number)s.")
                % {"unit": self.case.unit, "number": number}
            )
        return into


class SecondTimeForm(forms.Form):
    received_on = forms.DateField(label=_("Second complaint received on"), widget=DATE_INPUT)
    summary = forms.CharField(label=_("Content of the second complaint"), widget=forms.Textarea(attrs={"rows": 3}))


class RecordDecisionForm(forms.Form):
    """A conclusion or decision signed on paper, as the register keeper records it. Each field may be left empty
    here: the service says what is missing, next to the field (services.case_record_decision)."""

    decision_number = forms.CharField(
        label=_("Number of the conclusion or decision"),
        max_length=100,
        required=False,
        help_text=_("As printed on the signed document, e.g. 15/KL-UBND."),
    )
    decided_on = forms.DateField(
        label=_("Signed on"), widget=DATE_INPUT, required=False, help_text=_("dd/mm/yyyy, as on the document.")
    )
    signer = forms.CharField(
        label=_("Signed by"),
        max_length=200,
        required=False,
        help_text=_("Full name and title of the competent person, e.g. Nguyễn Văn A, Chairman."),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices], required=False)
    document = forms.FileField(
        label=_("Scan of the signed document"), required=False, help_text=_("PDF, JPG or PNG of the signed page(s).")
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
