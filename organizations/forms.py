from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action
from accounts.scoping import ScopedModelForm
from core.versions import record_version, version_field
from organizations.choices import UnitKind
from organizations.models import Inspection, PlanTask, Unit, WeakDossier, WeakReason
from organizations.selectors_weak import OpenItems
from organizations.workflow import Move

DATE_INPUT = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")
PARTY_KINDS = [UnitKind.GRASSROOTS, UnitKind.CELL, UnitKind.COMMUNE]


class DossierForm(ScopedModelForm):
    # Its own narrowing joins the units the user may change and those they review.
    scope_action = Action.VIEW

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
        super().__init__(*args, user=user, **kwargs)
        self.fields["unit"].queryset = (
            Unit.objects.visible_to(user, Action.CHANGE).current().filter(kind__in=PARTY_KINDS).order_by("name")
            | Unit.objects.visible_to(user, Action.REVIEW).current().filter(kind__in=PARTY_KINDS).order_by("name")
        ).distinct()
        self.fields["reasons"].queryset = WeakReason.objects.all()
        self.fields["origin"].choices = self.fields["origin"].choices[1:]
        if self.instance.pk:
            for name in ("unit", "year", "origin", "identified_on"):
                self.fields[name].disabled = True
            # The version it was loaded from, so a save over someone else's later change is refused (core.versions).
            self.fields["version"] = version_field()
            if not self.is_bound:
                self.initial["version"] = record_version(self.instance)


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
    """The form of one move of a dossier, shaped by the workflow: a note where the move takes one (required where
    it needs one), a date where the move records one (today unless changed). Its ids end with the move's name, as
    several moves' forms share the dossier page.

    Submitting takes the papers that go up with the dossier: the covering note and the signed plan. Taking an
    organization off the list while `open_items` (tasks, conclusions) remain takes the reason why."""

    def __init__(self, *args, move: Move, open_items: OpenItems | None = None, **kwargs):
        kwargs.setdefault("auto_id", f"%s-{move.name}")
        super().__init__(*args, **kwargs)
        self.move = move
        if move.name == "submit":
            self.fields["covering_note"] = forms.CharField(
                label=_("Covering note"),
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=1000,
                help_text=_(
                    "A few lines to the committee above: what the dossier proposes, what changed since a return."
                ),
                error_messages={"required": _("Write the covering note.")},
            )
            self.fields["signed_plan"] = forms.FileField(
                label=_("Signed consolidation plan"),
                help_text=_("The scan of the signed plan (PDF, Word or image)."),
                error_messages={"required": _("Attach the signed consolidation plan.")},
            )
        if move.note_label:
            self.fields["note"] = forms.CharField(
                label=move.note_label,
                widget=forms.Textarea(attrs={"rows": 3}),
                required=bool(move.note_missing),
                max_length=4000,
                error_messages={"required": move.note_missing},
            )
        if move.date_label:
            self.fields["on"] = forms.DateField(
                label=move.date_label, widget=DATE_INPUT, help_text=_("dd/mm/yyyy"), initial=timezone.localdate
            )
        if move.name == "off_list" and open_items:
            # Required by the service (organizations.services._check_open_items), which checks the date first and
            # reads the open items as they are when the move is made; its error is shown beside this field.
            self.fields["open_items_reason"] = forms.CharField(
                label=_("Reason for taking off despite open items"),
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=4000,
                required=False,
                help_text=_("Still open: {items}.").format(items=open_items.describe()),
            )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ConclusionDoneForm(forms.Form):
    on = forms.DateField(label=_("Implemented on"), widget=DATE_INPUT)
