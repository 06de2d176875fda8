import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedFilterSet, subtree_ids
from core.text import fold
from organizations.choices import DossierOrigin, DossierStatus, UnitKind
from organizations.models import Unit, WeakDossier


def register_unit_choices():
    """The units a list can be filtered by: today's units that keep registers (a former unit's records are found
    under the unit that took it over, see in_unit_subtree; a list of both eras would be several hundred names
    long). A ScopedFilterSet narrows them to the user's scope, so a filter list never names another unit."""
    return Unit.objects.committees().order_by("name")


def in_unit_subtree(queryset, name, unit):
    """Records of the chosen unit, of the units below it and of the former units it replaced (the scope rule)."""
    if unit.parent_id is None:
        return queryset  # the whole tree: the scope already limits the list
    return queryset.filter(**{f"{name}__in": subtree_ids({unit.pk})})


class UnitFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.MultipleChoiceFilter(
        distinct=False, label=_("Kind"), choices=UnitKind.choices, widget=forms.CheckboxSelectMultiple
    )
    era = django_filters.ChoiceFilter(
        label=_("Period"),
        choices=[("current", _("Current units")), ("legacy", _("Abolished units"))],
        method="filter_era",
        empty_label=_("All periods"),
    )

    class Meta:
        model = Unit
        fields = ["q", "kind", "era"]

    def search(self, queryset, name, value):
        words = fold(value).split()
        for word in words:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def filter_era(self, queryset, name, value):
        if value == "current":
            return queryset.current()
        if value == "legacy":
            return queryset.filter(valid_to__isnull=False)
        return queryset


class WeakDossierFilterSet(ScopedFilterSet):
    status = django_filters.MultipleChoiceFilter(
        distinct=False, choices=DossierStatus.choices, label=_("Status"), widget=forms.CheckboxSelectMultiple
    )
    year = django_filters.NumberFilter(label=_("Year rated"))
    origin = django_filters.ChoiceFilter(choices=DossierOrigin.choices, label=_("Identified by"), empty_label=_("All"))
    q = django_filters.CharFilter(label=_("Organization"), method="search")

    class Meta:
        model = WeakDossier
        fields = ["q", "status", "year", "origin"]

    def search(self, queryset, name, value):
        for word in fold(value).split():
            queryset = queryset.filter(unit__search_text__contains=word)
        return queryset
