import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedFilterSet
from citizens.choices import SessionKind, SessionMode, SessionStatus, VisitOutcome
from citizens.models import Citizen, ReceptionSession, Visit
from citizens.selectors import citizens_shown
from core.forms import DATE_INPUT
from core.text import fold
from organizations.filtersets import in_unit_subtree, register_unit_choices


class ReceptionSessionFilterSet(ScopedFilterSet):
    date_from = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label=_("From"), widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label=_("To"), widget=DATE_INPUT
    )
    unit = django_filters.ModelChoiceFilter(queryset=register_unit_choices(), label=_("Unit"), method=in_unit_subtree)
    kind = django_filters.MultipleChoiceFilter(
        distinct=False, choices=SessionKind.choices, label=_("Kind of session"), widget=forms.CheckboxSelectMultiple
    )
    mode = django_filters.ChoiceFilter(choices=SessionMode.choices, label=_("Mode"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices, label=_("Status"), empty_label=_("All"))
    hosted = django_filters.ChoiceFilter(
        label=_("Head's session"),
        choices=[("in_person", _("Hosted by the head in person")), ("delegated", _("Delegated by the head"))],
        method="filter_hosted",
        empty_label=_("All"),
    )
    has_delegation = django_filters.BooleanFilter(
        label=_("With a mass delegation"),
        method="filter_has_delegation",
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    # The fields a visit is classified in (the cases app's table, reached through the relation).
    field = django_filters.ModelChoiceFilter(
        queryset=Visit._meta.get_field("field").related_model._default_manager.all(),
        label=_("Field"),
        method="filter_visits",
    )
    outcome = django_filters.ChoiceFilter(
        choices=VisitOutcome.choices, label=_("Visit outcome"), method="filter_visits", empty_label=_("All")
    )

    class Meta:
        model = ReceptionSession
        fields = [
            "date_from",
            "date_to",
            "unit",
            "kind",
            "mode",
            "status",
            "hosted",
            "has_delegation",
            "field",
            "outcome",
        ]

    def filter_hosted(self, queryset, name, value):
        queryset = queryset.exclude(head_position="")
        return queryset.filter(head_in_person=(value == "in_person"))

    def filter_has_delegation(self, queryset, name, value):
        mass = Visit.objects.filter(session=OuterRef("pk"), is_void=False, is_mass_delegation=True)
        return queryset.filter(Exists(mass)) if value else queryset.exclude(Exists(mass))

    def filter_visits(self, queryset, name, value):
        # Exists, not a join, so a session with several matching visits is listed once.
        return queryset.filter(Exists(Visit.objects.filter(session=OuterRef("pk"), is_void=False, **{name: value})))


class CitizenFilterSet(ScopedFilterSet):
    """The citizens register. A person known only as a denouncer is not in it for a user who may not see
    identities (citizens.selectors.citizens_shown), whatever the search."""

    q = django_filters.CharFilter(label=_("Name, identity number, phone or address"), method="search")

    class Meta:
        model = Citizen
        fields = ["q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.queryset = citizens_shown(self.queryset, user) if user is not None else self.queryset.none()

    def search(self, queryset, name, value):
        return citizen_search(queryset, value)


def citizen_search(queryset, value: str):
    """Diacritic-insensitive: every word of the query must appear in the folded name/ID/phone/address."""
    for word in fold(value).split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset
