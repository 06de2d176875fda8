from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.confidentiality import is_masked, log_identity_views
from accounts.roles import Action
from accounts.scoping import ScopedModelForm
from citizens.choices import SessionKind, VisitOutcome
from citizens.delegations import mass_threshold
from citizens.models import Citizen, Dialogue, ReceptionSession, Visit
from citizens.selectors import citizens_shown
from citizens.services import visit_rule_errors
from citizens.validators import validate_national_id, validate_phone
from core.forms import choice_field, model_choice_field
from core.versions import record_version, version_field
from organizations.models import Unit

# Text inputs in the dd/mm/yyyy form the users' documents use (a browser's own date picker follows the
# browser's language, which on office computers is often English).
DATETIME_INPUT = forms.DateTimeInput(
    attrs={"placeholder": "dd/mm/yyyy hh:mm", "inputmode": "numeric", "autocomplete": "off"}, format="%d/%m/%Y %H:%M"
)


class ReceptionSessionForm(ScopedModelForm):
    """Record or schedule a session. The unit list holds only the units where the user may record sessions."""

    class Meta:
        model = ReceptionSession
        fields = [
            "unit",
            "status",
            "kind",
            "mode",
            "starts_at",
            "place",
            "head_position",
            "head_in_person",
            "host_name",
            "host_title",
            "officials_present",
            "minutes",
        ]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "mode": forms.RadioSelect,
            "officials_present": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "place": _("For example: Trụ sở tiếp công dân phường, 15 Đội Cấn."),
            "officials_present": _("Names and positions, one per line."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        units = Unit.objects.visible_to(user, Action.CHANGE).committees().order_by("name")
        self.fields["unit"].queryset = units
        if self.instance.pk:
            # A session stays with the unit that held it.
            self.fields["unit"].disabled = True
            # The version it was loaded from, so a save over someone else's later change is refused (core.versions).
            self.fields["version"] = version_field()
            if not self.is_bound:
                self.initial["version"] = record_version(self.instance)
        elif units.count() == 1:
            self.fields["unit"].initial = units.first()
        self.fields["kind"].choices = SessionKind.choices
        self.fields["head_position"].choices = [
            ("", _("None (regular reception by officers)")),
            *list(self.fields["head_position"].choices)[1:],
        ]
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("starts_at", timezone.localtime().replace(second=0, microsecond=0))


class VisitForm(ScopedModelForm):
    """A visit, with the citizen chosen from the lookup or entered as a new one on the same form."""

    citizen = forms.ModelChoiceField(
        queryset=Citizen.objects.none(), required=False, widget=forms.RadioSelect, label=_("Citizen")
    )
    new_full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    new_national_id = forms.CharField(
        label=_("Citizen identity number (CCCD)"),
        max_length=12,
        required=False,
        validators=[validate_national_id],
        help_text=_("12 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    new_phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    new_address = forms.CharField(label=_("Address"), max_length=300, required=False)

    class Meta:
        model = Visit
        fields = [
            "people_count",
            "is_mass_delegation",
            "representatives",
            "content",
            "content_kind",
            "field",
            "is_repeat",
            "outcome",
            "transferred_to",
            "refusal_reason",
        ]
        widgets = {
            "people_count": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "content": forms.Textarea(attrs={"rows": 3}),
            "representatives": forms.Textarea(attrs={"rows": 2}),
            "refusal_reason": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.RadioSelect,
        }

    # What names the person, and what decides whether they are protected: fixed on a visit whose person the user
    # may not see (changing the content would unmask them; see accounts/confidentiality.py).
    PROTECTED_FIELDS = ("citizen", "new_full_name", "new_national_id", "new_phone", "new_address", "representatives")

    def __init__(self, *args, session: ReceptionSession, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.session = session
        citizens = Citizen.objects.visible_to(user, Action.CHANGE).filter(unit=session.unit)
        model_choice_field(self, "citizen").queryset = citizens_shown(citizens, user)
        field_choice = model_choice_field(self, "field")
        assert field_choice.queryset is not None  # a model form's foreign key offers all its records to start with
        field_choice.queryset = field_choice.queryset.filter(is_active=True)
        choice_field(self, "outcome").choices = VisitOutcome.choices
        self.fields["content_kind"].help_text = _("Required when a letter is received: it decides the deadlines.")
        self.fields["is_mass_delegation"].help_text = _(
            "Marked automatically for a group of {threshold} people or more on one matter."
        ).format(threshold=mass_threshold())
        protected = bool(self.instance.pk) and self.instance.is_confidential
        self.identity_masked = protected and is_masked(user, unit_id=session.unit_id, confidential=True)
        if self.instance.pk:
            self.initial["citizen"] = self.instance.citizen_id
            # The version it was loaded from, so a save over someone else's later change is refused (core.versions).
            self.fields["version"] = version_field()
            if not self.is_bound:
                self.initial["version"] = record_version(self.instance)
        if self.identity_masked:
            # The person stays as recorded, unseen: only someone with the right may see or change who came.
            model_choice_field(self, "citizen").queryset = citizens.filter(pk=self.instance.citizen_id)
            for name in (*self.PROTECTED_FIELDS, "content_kind"):
                self.fields[name].disabled = True
        elif protected:
            # The form shows who came to a protected visit: a view of the identity.
            log_identity_views(
                user=user,
                records=[self.instance],
                path=self.instance.get_absolute_url(),
                unit_id=lambda v: session.unit_id,
            )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("citizen") and not (cleaned.get("new_full_name") or "").strip():
            self.add_error("new_full_name", _("Choose a citizen found above, or enter the new citizen's full name."))
        rule_errors = visit_rule_errors(
            people_count=cleaned.get("people_count"),
            is_mass_delegation=cleaned.get("is_mass_delegation"),
            outcome=cleaned.get("outcome"),
            transferred_to=cleaned.get("transferred_to"),
            refusal_reason=cleaned.get("refusal_reason"),
            content_kind=cleaned.get("content_kind"),
        )
        for name, message in rule_errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def new_citizen_fields(self) -> dict:
        return {
            "full_name": self.cleaned_data["new_full_name"].strip(),
            "national_id": self.cleaned_data["new_national_id"].strip(),
            "phone": self.cleaned_data["new_phone"].strip(),
            "address": self.cleaned_data["new_address"].strip(),
        }


class DialogueForm(ScopedModelForm):
    class Meta:
        model = Dialogue
        fields = ["authority_side", "citizen_side", "content", "result", "cases"]
        widgets = {
            "authority_side": forms.Textarea(attrs={"rows": 3}),
            "citizen_side": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 3}),
            "cases": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # The model form's own choices (the cases), narrowed to the open cases of the session's unit in scope.
        self.fields["cases"].queryset = (
            self.fields["cases"]
            .queryset.visible_to(user, Action.CHANGE)
            .filter(unit=self.instance.session.unit)
            .not_closed()
            .order_by("-received_on")
        )


class DialogueCloseForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes of the dialogue"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    attendees_count = forms.IntegerField(label=_("Number of attendees"), min_value=1, required=False)


class DutyMonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%m/%Y"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
