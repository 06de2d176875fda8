from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action
from accounts.scoping import ScopedForm, ScopedModelForm
from organizations.models import Unit
from reports.choices import PeriodKind
from reports.models import Report


class ReportRequestForm(ScopedForm):
    # The units offered are those where the user may compile a report.
    scope_action = Action.COMPILE

    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    period_kind = forms.ChoiceField(
        label=_("Report period"), choices=PeriodKind.choices, initial=PeriodKind.HALF_YEAR, widget=forms.RadioSelect
    )
    year = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2100)
    calendar_period = forms.BooleanField(
        label=_("Calendar period"),
        required=False,
        help_text=_("From 1 January instead of the statistical cut-off (15 December of the previous year)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        units = Unit.objects.visible_to(user, Action.COMPILE).committees().order_by("kind", "name")
        self.fields["unit"].queryset = units
        if units.count() == 1:
            self.fields["unit"].initial = units.first()
        self.fields["year"].initial = timezone.localdate().year


class ReportPaperForm(ScopedModelForm):
    """The recipients and the signer's name of the exported documents."""

    scope_action = Action.COMPILE

    class Meta:
        model = Report
        fields = ["recipients", "signer_name"]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 5})}
