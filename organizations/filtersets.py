import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import fold
from organizations.choices import DossierOrigin, DossierStatus, UnitKind
from organizations.models import Unit, WeakDossier


class UnitFilterSet(django_filters.FilterSet):
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


class WeakDossierFilterSet(django_filters.FilterSet):
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
