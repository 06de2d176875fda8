"""Forms of the letters register (sổ theo dõi đơn thư): register a letter, classify it by content, and decide
what happens to it. The services validate again; these forms catch what they can next to the fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.confidentiality import is_masked
from accounts.roles import Action
from accounts.scoping import ScopedForm, ScopedModelForm, subtree_ids
from cases.choices import OPEN_STATUSES, ArchiveReason, CaseKind, Channel, LetterContent, LetterDisposition
from cases.models import CONFIDENTIAL_CONTENTS, Case, CaseField, Letter
from citizens.models import Citizen
from citizens.selectors import citizens_shown
from core.forms import DATE_INPUT, model_choice_field
from organizations.models import Unit

# Radio answers of the nullable yes/no fields. The values are what NullBooleanField reads and what the radio
# widget renders as checked (str(True) == "True").
PROCESSABLE_CHOICES = [(True, _("Yes")), (False, _("No: something the law requires is missing"))]
COMPETENCE_CHOICES = [
    (True, _("Yes")),
    (False, _("No: guide the sender, transfer the letter or urge the competent body")),
    ("", _("Not determined yet")),
]

CLASSIFICATION_FIELDS = ["content", "field", "is_processable", "missing_element", "within_competence"]
CLASSIFICATION_WIDGETS = {
    "content": forms.RadioSelect,
    "is_processable": forms.RadioSelect(choices=PROCESSABLE_CHOICES),
    "within_competence": forms.RadioSelect(choices=COMPETENCE_CHOICES),
}
CLASSIFICATION_HELP = {
    "content": _("By what the letter actually asks, not by its title (Circular 05/2021/TT-TTCP)."),
    "missing_element": _("Required when the letter is not processable: for example no signature, or no address."),
}


def _check_classification(form: forms.Form, cleaned: dict) -> None:
    """A classification says whether the letter is processable and its field; the service checks the rest."""
    if cleaned.get("is_processable") is None and "is_processable" not in form.errors:
        form.add_error("is_processable", _("Say whether the letter is processable."))
    if not cleaned.get("field") and "field" not in form.errors:
        form.add_error("field", _("Choose the field of the letter."))
    if cleaned.get("is_processable"):
        cleaned["missing_element"] = ""


class LetterForm(ScopedModelForm):
    """Register a letter, and classify it right away if the content is clear. The unit list holds only the
    units where the user may register letters; the sender is a citizen the user may change, of that unit."""

    citizen = forms.ModelChoiceField(
        queryset=Citizen.objects.none(), required=False, widget=forms.RadioSelect, label=_("Sender")
    )

    class Meta:
        model = Letter
        fields = [
            "unit",
            "received_on",
            "channel",
            "transferred_from",
            "is_anonymous",
            "signers_count",
            "title",
            "summary",
            *CLASSIFICATION_FIELDS,
        ]
        widgets = {
            "received_on": DATE_INPUT,
            "channel": forms.RadioSelect,
            "signers_count": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            **CLASSIFICATION_WIDGETS,
        }
        help_texts = {
            "transferred_from": _("For a letter transferred by another body: its name and document number."),
            "is_anonymous": _("No name, or a name that cannot be traced to anyone."),
            "title": _("As the sender wrote it; the classification goes by the content."),
            "summary": _("What the sender complains about, denounces or asks for."),
            **CLASSIFICATION_HELP,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        units = Unit.objects.visible_to(user, Action.CHANGE).committees().order_by("name")
        self.fields["unit"].queryset = units
        if not self.is_bound and len(units) == 1:
            self.initial["unit"] = units[0].pk
        # Not a person known only as a denouncer, for someone who may not see them: choosing one by id would show
        # their name back on the form.
        self.fields["citizen"].queryset = citizens_shown(Citizen.objects.visible_to(user, Action.CHANGE), user)
        self.fields["channel"].choices = Channel.choices
        self.fields["signers_count"].widget.attrs["min"] = 1
        self.fields["content"].choices = [("", _("Not now: classify later")), *LetterContent.choices]
        self.fields["field"].queryset = CaseField.objects.filter(is_active=True)
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())
            self.initial.setdefault("channel", Channel.POST)

    @property
    def selected_citizen(self) -> Citizen | None:
        """The sender chosen before a failed submission, to show it again without listing every citizen."""
        if self.is_bound and hasattr(self, "cleaned_data"):
            return self.cleaned_data.get("citizen")
        return None

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("The date of receipt cannot be in the future."))
        return received_on

    def clean(self):
        cleaned = super().clean()
        citizen, unit = cleaned.get("citizen"), cleaned.get("unit")
        if cleaned.get("is_anonymous") and citizen:
            self.add_error("citizen", _("An anonymous letter has no sender: clear the sender or untick “anonymous”."))
        elif not cleaned.get("is_anonymous") and not citizen and "citizen" not in self.errors:
            self.add_error("citizen", _("Choose the sender, or mark the letter anonymous."))
        elif citizen and unit and citizen.unit_id not in subtree_ids({unit.pk}):
            # The sender's record must belong to the receiving unit (or a unit it covers), or the letter would
            # show a citizen's name to a unit that may not see that citizen.
            self.add_error("citizen", _("This citizen is recorded by another unit."))
        if cleaned.get("channel") == Channel.TRANSFERRED and not (cleaned.get("transferred_from") or "").strip():
            self.add_error("transferred_from", _("Name the body that transferred the letter."))
        if cleaned.get("content"):
            _check_classification(self, cleaned)
        return cleaned

    def registration(self) -> dict:
        """The arguments of `letter_receive` (besides the user and the unit)."""
        data = self.cleaned_data
        return {
            "received_on": data["received_on"],
            "channel": data["channel"],
            "transferred_from": data["transferred_from"].strip(),
            "sender": data["citizen"],
            "is_anonymous": data["is_anonymous"],
            "signers_count": data["signers_count"],
            "title": data["title"].strip(),
            "summary": data["summary"].strip(),
        }

    def classification(self) -> dict | None:
        """The arguments of `letter_classify`, or None when the letter is to be classified later."""
        data = self.cleaned_data
        if not data["content"]:
            return None
        return {name: data[name] for name in CLASSIFICATION_FIELDS}


class LetterClassifyForm(forms.ModelForm):
    """Classify a letter by its content: complaint, denunciation, recommendation, feedback or several."""

    class Meta:
        model = Letter
        fields = CLASSIFICATION_FIELDS
        widgets = CLASSIFICATION_WIDGETS
        help_texts = CLASSIFICATION_HELP

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("content", "field", "is_processable"):
            self.fields[name].required = True
        self.fields["content"].choices = LetterContent.choices
        self.fields["field"].queryset = CaseField.objects.filter(is_active=True)
        letter = self.instance
        if is_masked(user, unit_id=letter.unit_id, confidential=letter.is_confidential):
            # A protected letter (a denunciation, or not yet classified) classified as anything but a possible
            # denunciation would unmask its sender: only those contents are offered (accounts/confidentiality.py).
            self.fields["content"].choices = [
                (value, label) for value, label in LetterContent.choices if value in CONFIDENTIAL_CONTENTS
            ]
            self.fields["content"].help_text = _(
                "Only an official with the right to see confidential identities can classify it as anything else."
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.disposition:
            raise forms.ValidationError(_("This letter has already been handled."))
        _check_classification(self, cleaned)
        return cleaned


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, case: Case) -> str:
        # Number, date and matter only: a complainant's name would leak a denouncer's identity.
        return f"{case.number} · {case.received_on:%d/%m/%Y} · {case.summary[:80]}"


# The form's choices split "case" in two: open a new case, or join one already open on the same matter.
JOIN = "join"
DISPOSITION_CHOICES = [
    (LetterDisposition.CASE, _("Open a case")),
    (JOIN, _("Join an existing case on the same matter")),
    (LetterDisposition.GUIDED, LetterDisposition.GUIDED.label),
    (LetterDisposition.TRANSFERRED, LetterDisposition.TRANSFERRED.label),
    (LetterDisposition.URGED, LetterDisposition.URGED.label),
    (LetterDisposition.ARCHIVED, LetterDisposition.ARCHIVED.label),
]


class LetterDisposeForm(ScopedForm):
    """What happens to a classified letter. The existing cases offered are the open cases of the letter's unit
    that the user may change."""

    disposition = forms.ChoiceField(label=_("Handling"), choices=DISPOSITION_CHOICES, widget=forms.RadioSelect)
    case = CaseChoiceField(
        label=_("Existing case"),
        queryset=Case.objects.none(),
        required=False,
        help_text=_("Open cases of the same unit. Required to join a case."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of case"),
        choices=[("", "—"), *CaseKind.choices],
        required=False,
        help_text=_("The letter has several contents: say which kind of case it opens."),
    )
    competent_body = forms.CharField(
        label=_("Competent body"),
        max_length=300,
        required=False,
        help_text=_("Required to guide the sender, transfer the letter or urge the competent body."),
    )
    archive_reason = forms.ChoiceField(
        label=_("Reason for archiving"), choices=[("", "—"), *ArchiveReason.choices], required=False
    )
    on = forms.DateField(label=_("Handled on"), widget=DATE_INPUT)

    def __init__(self, *args, letter: Letter, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.letter = letter
        model_choice_field(self, "case").queryset = (
            Case.objects.visible_to(user, Action.CHANGE)
            .active()
            .filter(unit_id=letter.unit_id, status__in=OPEN_STATUSES)
            .order_by("-received_on", "-pk")
        )
        if letter.content != LetterContent.MULTIPLE:
            del self.fields["kind"]
        elif letter.sender_id is not None and is_masked(user, unit_id=letter.unit_id, confidential=True):
            # A case of another kind would show the sender (cases.services.case_open_from_letter).
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [("", "—"), (CaseKind.DENUNCIATION, CaseKind.DENUNCIATION.label)]
            kind.help_text = _(
                "Only an official with the right to see confidential identities can open another kind of case from it."
            )
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on < self.letter.received_on or on > timezone.localdate():
            raise forms.ValidationError(_("The date must be between the date of receipt and today."))
        return on

    def clean(self):
        cleaned = super().clean()
        disposition = cleaned.get("disposition")
        if disposition == JOIN and not cleaned.get("case"):
            self.add_error("case", _("Choose the case this letter joins."))
        if disposition == LetterDisposition.CASE and "kind" in self.fields and not cleaned.get("kind"):
            self.add_error("kind", _("Choose the kind of case."))
        return cleaned

    def service_arguments(self) -> dict:
        """The arguments of `letter_dispose` (besides the user and the letter)."""
        data = self.cleaned_data
        joining = data["disposition"] == JOIN
        arguments = {
            "disposition": LetterDisposition.CASE if joining else data["disposition"],
            "on": data["on"],
            "competent_body": data["competent_body"],
            "archive_reason": data["archive_reason"],
            "case": data["case"] if joining else None,
        }
        if data["disposition"] == LetterDisposition.CASE and data.get("kind"):
            arguments["kind"] = data["kind"]
        return arguments
