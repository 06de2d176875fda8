import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.confidentiality import identity_shown
from accounts.models import User
from accounts.scoping import ScopedFilterSet
from cases.choices import CaseKind, CaseStatus, Channel, Complexity, LetterContent, LetterDisposition
from cases.flags import flag_filter, with_letter_count
from cases.models import Case, CaseField, Letter
from core.forms import DATE_INPUT
from core.text import fold
from organizations.filtersets import in_unit_subtree, register_unit_choices

FLAG_CHOICES = [
    ("mass", _("Mass (many people)")),
    ("backlogged", _("Backlogged")),
    ("prolonged", _("Prolonged")),
    ("over_level", _("Over-level")),
    ("hot_spot", _("Hot spot")),
    ("focus", _("Focus list")),
]


class _Words(Func):
    """The folded words of a case as PostgreSQL's full-text search sees them ('simple': no stemming, no stop
    words). The expression is exactly that of the index case_words_fts (migration cases 0008), which is what
    lets PostgreSQL use it."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()


def search_cases(queryset, value: str, user):
    """Diacritic-insensitive search over number, content, respondent and complainants' names, except where they
    are confidential (a denouncer's name is searchable only with the identity right). Every word must appear.

    On PostgreSQL, words are matched whole through a full-text index on the folded text (a rare name is found in
    milliseconds among a million cases, where substring matching read every case sharing a syllable), and a word
    with a digit (a case number such as 12/2026) as a substring of the number and content. On SQLite (the
    zero-configuration default) every word is a substring match."""
    may_see = identity_shown(user, unit_field="unit", confidential=Case.CONFIDENTIAL)
    words = fold(value).split()
    if connection.vendor != "postgresql":
        for word in words:
            queryset = queryset.filter(Q(search_text__contains=word) | (Q(identity_text__contains=word) & may_see))
        return queryset
    numbers = [word for word in words if any(ch.isdigit() for ch in word)]
    for word in numbers:
        queryset = queryset.filter(search_text__contains=word)
    plain = " ".join(word for word in words if word not in numbers)
    if plain:
        query = SearchQuery(plain, config="simple", search_type="plain")
        queryset = queryset.alias(case_words=_Words("search_text", "identity_text")).filter(case_words=query)
        if may_see:  # a confidential name may not be what matched
            queryset = queryset.alias(public_words=_Words("search_text")).filter(may_see | Q(public_words=query))
    return queryset


class CaseFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search: number, content, names"), method="filter_search")
    received_from = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("Received from"), widget=DATE_INPUT
    )
    received_to = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("Received to"), widget=DATE_INPUT
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=register_unit_choices(), label=_("Handling unit"), method=in_unit_subtree
    )
    status = django_filters.MultipleChoiceFilter(
        distinct=False, choices=CaseStatus.choices, label=_("Status"), widget=forms.CheckboxSelectMultiple
    )
    kind = django_filters.MultipleChoiceFilter(
        distinct=False, choices=CaseKind.choices, label=_("Kind of case"), widget=forms.CheckboxSelectMultiple
    )
    field = django_filters.ModelChoiceFilter(queryset=CaseField.objects.all(), label=_("Field"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"), empty_label=_("All"))
    complexity = django_filters.ChoiceFilter(choices=Complexity.choices, label=_("Complexity"), empty_label=_("All"))
    # People holding a role in the user's scope only (the gate narrows User choices), so no name leaks.
    handler = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True).order_by("full_name"), label=_("Handler")
    )
    flag = django_filters.MultipleChoiceFilter(
        distinct=False,
        choices=FLAG_CHOICES,
        label=_("Flags"),
        method="filter_flags",
        widget=forms.CheckboxSelectMultiple,
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("All")), ("true", _("Overdue")), ("false", _("Not overdue"))]),
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "received_from",
            "received_to",
            "unit",
            "status",
            "kind",
            "field",
            "channel",
            "complexity",
            "handler",
            "flag",
            "overdue",
        ]

    def filter_search(self, queryset, name, value):
        return search_cases(queryset, value, self.user)

    def filter_flags(self, queryset, name, values):
        today = timezone.localdate()
        if "prolonged" in values:
            queryset = with_letter_count(queryset)
        for value in values:
            queryset = queryset.filter(flag_filter(value, today))
        return queryset

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        overdue = Q(due_on__lt=today)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class LetterFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    received_from = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("Received from"), widget=DATE_INPUT
    )
    received_to = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("Received to"), widget=DATE_INPUT
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=register_unit_choices(), label=_("Receiving unit"), method=in_unit_subtree
    )
    content = django_filters.ChoiceFilter(choices=LetterContent.choices, label=_("Content"), empty_label=_("All"))
    disposition = django_filters.ChoiceFilter(
        choices=[("none", _("Not handled yet")), *LetterDisposition.choices],
        label=_("Handling"),
        method="filter_disposition",
        empty_label=_("All"),
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"), empty_label=_("All"))

    class Meta:
        model = Letter
        fields = ["q", "received_from", "received_to", "unit", "content", "disposition", "channel"]

    def filter_search(self, queryset, name, value):
        for word in fold(value).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def filter_disposition(self, queryset, name, value):
        return queryset.filter(disposition="" if value == "none" else value)
