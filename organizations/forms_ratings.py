"""Forms of the quality ratings (one organization, or every organization of a commune at once) and of the
weak-organization list's period. The rules themselves are checked by organizations.services; the forms only
offer the organizations the user may rate and turn the service's errors into messages next to the fields."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action
from accounts.scoping import ScopedFilterSet, ScopedForm, subtree_ids
from core.dates import DATE_VALIDATORS
from core.periods import half_year_start
from organizations.choices import RatingLevel, UnitKind
from organizations.models import QualityRating, RatingRegulation, Unit
from organizations.services import PARTY_ORGANIZATION_KINDS, rating_validate

DATE_INPUT = forms.DateInput(
    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}, format="%d/%m/%Y"
)
FIRST_RATED_YEAR = 2014  # Guidance 27-HD/BTCTW of 2014, the oldest regulation in the table


def default_rating_year(today: date | None = None) -> int:
    """Ratings are made at the end of the year (December) or early in the next one."""
    today = today or timezone.localdate()
    return today.year if today.month == 12 else today.year - 1


def regulation_for_year(year: int) -> RatingRegulation | None:
    """The regulation that applies to ratings of `year` (the table holds the years of each)."""
    return (
        RatingRegulation.objects.filter(Q(year_to__isnull=True) | Q(year_to__gte=year), year_from__lte=year)
        .order_by("-year_from")
        .first()
    )


def party_organizations(user, action: str = Action.VIEW) -> QuerySet[Unit]:
    """Party organizations (commune committees, grassroots organizations, cells) where `user` may `action`,
    today's first, then those abolished by a reorganisation (their past ratings stay with them)."""
    return (
        Unit.objects.visible_to(user, action)
        .filter(kind__in=PARTY_ORGANIZATION_KINDS)
        .select_related("parent")
        .order_by(F("valid_to").desc(nulls_first=True), "name")
    )


class PartyOrganizationChoiceField(forms.ModelChoiceField):
    """Names repeat from ward to ward ("Chi bộ Tổ dân phố số 1"), so each is shown with its committee."""

    def label_from_instance(self, unit: Unit) -> str:
        label = f"{unit.name} · {unit.parent}" if unit.parent_id else unit.name
        if unit.valid_to:
            label += " ({})".format(_("until %(date)s") % {"date": unit.valid_to.strftime("%d/%m/%Y")})
        return label


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Year"), min_value=FIRST_RATED_YEAR, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


def _limit_to_this_year(field: forms.IntegerField) -> None:
    # Set per form, not at import: a server running across New Year must accept the new year.
    this_year = timezone.localdate().year
    field.validators.append(MaxValueValidator(this_year))
    field.widget.attrs["max"] = this_year


def _score_field() -> forms.DecimalField:
    # Localized, so "85,5" (a Vietnamese decimal comma) and "85.5" are both read.
    return forms.DecimalField(
        label=_("Score"),
        required=False,
        localize=True,
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


# Ratings of one organization ----------------------------------------------------------------------------------


class QualityRatingForm(ScopedForm):
    """Record or correct one organization's rating for a year."""

    unit = PartyOrganizationChoiceField(label=_("Organization"), queryset=Unit.objects.none())
    year = _year_field()
    regulation = forms.ModelChoiceField(
        label=_("Regulation applied"),
        queryset=RatingRegulation.objects.order_by("-year_from"),
        required=False,
        empty_label=_("The regulation that applies to the year"),
    )
    level = forms.ChoiceField(label=_("Level"), choices=RatingLevel.choices, widget=forms.RadioSelect)
    score = _score_field()
    reasons = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        units = party_organizations(user, Action.CHANGE)
        self.fields["unit"].queryset = units
        self.fields["score"].help_text = _("Only under Regulation 366-QĐ/TW (from 2025): out of 100 points.")
        _limit_to_this_year(self.fields["year"])
        self.initial.setdefault("year", default_rating_year())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("year") and not cleaned.get("regulation"):
            cleaned["regulation"] = regulation_for_year(cleaned["year"])
            if cleaned["regulation"] is None:
                self.add_error("year", _("No rating regulation applies to this year."))
        return cleaned


class QualityRatingFilterSet(ScopedFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    level = django_filters.MultipleChoiceFilter(
        distinct=False, choices=RatingLevel.choices, label=_("Level"), widget=forms.CheckboxSelectMultiple
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.none(),  # the user's party organizations: __init__
        label=_("Unit"),
        empty_label=_("All"),
        method="filter_within",
        help_text=_("The unit and every organization under it."),
    )
    regulation = django_filters.ModelChoiceFilter(
        queryset=RatingRegulation.objects.order_by("-year_from"), label=_("Regulation applied"), empty_label=_("All")
    )

    class Meta:
        model = QualityRating
        fields = ["year", "level", "unit", "regulation"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = party_organizations(self.user, Action.VIEW)

    def filter_within(self, queryset, name, value):
        # Through the tree and the reorganisation edges, as scope does: a new ward includes the wards it replaced.
        return queryset.filter(unit_id__in=subtree_ids({value.pk}))


# Ratings of a whole commune -----------------------------------------------------------------------------------


class CommuneYearForm(ScopedForm):
    """Which commune's organizations to rate, for which year."""

    commune: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Commune or ward"), queryset=Unit.objects.none()
    )
    year = _year_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        communes = Unit.objects.visible_to(user, Action.CHANGE).current().filter(kind=UnitKind.COMMUNE)
        self.fields["commune"].queryset = communes.order_by("name")
        _limit_to_this_year(self.fields["year"])
        self.initial.setdefault("year", default_rating_year())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("year"):
            cleaned["regulation"] = regulation_for_year(cleaned["year"])
            if cleaned["regulation"] is None:
                self.add_error("year", _("No rating regulation applies to this year."))
        return cleaned


# A line's levels: none (not rated now) or one of the levels; a regulation without the weak level drops it.
LEVEL_CHOICES = [("", "—"), *RatingLevel.choices]


class RatingRowForm(ScopedForm):
    """One organization's line on the commune form. A line left without a level is not rated now."""

    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(queryset=Unit.objects.none(), widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("Level"), choices=LEVEL_CHOICES, required=False)
    score = _score_field()
    reasons = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units: QuerySet[Unit], year: int, regulation: RatingRegulation, **kwargs):
        super().__init__(*args, **kwargs)
        unit_field, level_field = self.fields["unit"], self.fields["level"]
        assert isinstance(unit_field, forms.ModelChoiceField) and isinstance(level_field, forms.ChoiceField)
        unit_field.queryset = units
        self.year, self.regulation = year, regulation
        if not regulation.has_weak_level:
            level_field.choices = [c for c in LEVEL_CHOICES if c[0] != RatingLevel.WEAK]
        if not regulation.uses_score:
            self.fields["score"].disabled = True

    @property
    def organization(self) -> Unit | None:
        """The organization of the line, for the template (the unit field is hidden)."""
        return self.initial.get("unit") if isinstance(self.initial.get("unit"), Unit) else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("level"):
            if cleaned.get("unit"):
                self.check_rules(cleaned)
        elif self.initial.get("level"):
            self.add_error("level", _("A recorded rating cannot be removed; choose its level."))
        elif cleaned.get("score") is not None or (cleaned.get("reasons") or "").strip():
            self.add_error("level", _("Choose the level, or clear the line."))
        return cleaned

    def check_rules(self, cleaned: dict) -> None:
        """The service's own rules, run on each line so that every line's problems show at once, on the line:
        the service, which checks them again when saving, cannot yet report field errors per line."""
        rating = QualityRating(
            unit=cleaned["unit"],
            year=self.year,
            regulation=self.regulation,
            level=cleaned["level"],
            score=cleaned.get("score"),
        )
        try:
            rating_validate(rating)
        except forms.ValidationError as error:
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)

    def full_clean(self):
        super().full_clean()
        self.mark_invalid_fields()

    def mark_invalid_fields(self) -> None:
        """The inputs are drawn in a table, without the field template: mark the invalid ones for screen readers."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}-error"}
                )

    def row(self) -> dict | None:
        """The arguments of organizations.services.rating_record for this line, or None if it is not rated."""
        if not self.cleaned_data.get("level"):
            return None
        return {
            "unit": self.cleaned_data["unit"],
            "level": self.cleaned_data["level"],
            "score": self.cleaned_data.get("score"),
            "reasons": self.cleaned_data.get("reasons") or "",
        }


class BaseRatingRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, user, units: QuerySet[Unit], year: int, regulation: RatingRegulation, **kwargs):
        self.user, self.units, self.year, self.regulation = user, units, year, regulation
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "user": self.user,
            "units": self.units,
            "year": self.year,
            "regulation": self.regulation,
        }

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            unit = form.cleaned_data.get("unit")
            if unit in seen:
                raise forms.ValidationError(_("An organization appears twice on the form; reload the page."))
            seen.add(unit)
        if not any(form.has_changed() and form.row() for form in self.forms):
            raise forms.ValidationError(_("Nothing to save: choose a level for at least one organization."))


RatingRowFormSet = forms.formset_factory(RatingRowForm, formset=BaseRatingRowFormSet, extra=0)


# The weak-organization list -----------------------------------------------------------------------------------


class WeakListForm(ScopedForm):
    """The period and the unit of the weak-organization list; an empty date is the current statistical half
    year (core.periods)."""

    # A list to read: the units the user may see.
    scope_action = Action.VIEW

    # A period before the register's floor (01/01/0001 for 2001) is a typo, refused next to the field.
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT, validators=DATE_VALIDATORS)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT, validators=DATE_VALIDATORS)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Everything in your scope"),
        help_text=_("The unit and every organization under it."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["unit"].queryset = (
            Unit.objects.visible_to(user, Action.VIEW)
            .filter(kind__in=[UnitKind.CITY, UnitKind.DISTRICT, UnitKind.BLOC, UnitKind.COMMUNE])
            .order_by(F("valid_to").desc(nulls_first=True), "kind", "name")
        )

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        cleaned["start"] = cleaned.get("start") or half_year_start(today)
        cleaned["end"] = cleaned.get("end") or today
        if "end" not in self.errors and cleaned["end"] > today:
            self.add_error("end", _("The period cannot end after today."))
        elif "start" not in self.errors and cleaned["start"] > cleaned["end"]:
            self.add_error("start", _("The start of the period must not be after its end."))
        return cleaned
