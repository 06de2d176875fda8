"""The audit logs: changes to users, roles and rules with the sign-in events (city-wide, for those who may
audit), and the accesses to personal data (for the units the reader may audit)."""

from types import SimpleNamespace

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from accounts.models import PersonalDataAccess
from accounts.roles import Action
from accounts.scoping import ScopedFilterSet, ScopedViewMixin, UnitScope
from audit.feed import (
    KIND_CHOICES,
    audit_log_keys,
    audit_log_page,
    may_read_audit_log,
    personal_data_accesses,
    personal_data_scope,
)
from core.forms import DATE_INPUT
from organizations.choices import UnitKind
from organizations.models import Unit


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    who = forms.CharField(label=_("Who (user name or full name)"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *KIND_CHOICES])


class AuditLogView(ScopedViewMixin, TemplateView):
    """Who changed what and when in users, role assignments, units and rules tables, old → new, merged with
    sign-ins and other security events. Fifty entries a page, a fixed number of queries."""

    template_name = "audit/audit_log.html"
    paginate_by = 50
    scope_action = Action.AUDIT

    def dispatch(self, request, *args, **kwargs):
        if not may_read_audit_log(request.user):
            raise PermissionDenied(_("Only administrators and city steering committee members may read the audit log."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        keys = audit_log_keys(
            kind=filters.get("kind", ""),
            since=filters.get("date_from"),
            until=filters.get("date_to"),
            who=filters.get("who", ""),
        )
        paginator = Paginator(keys, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            filterset=SimpleNamespace(form=form),
            paginator=paginator,
            page_obj=page,
            entries=audit_log_page(list(page.object_list)),
        )
        return context


class PersonalDataAccessFilterSet(ScopedFilterSet):
    date_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"), widget=DATE_INPUT)
    date_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"), widget=DATE_INPUT)
    who = django_filters.CharFilter(label=_("Who (user name or full name)"), method="filter_who")
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.none(), label=_("Unit of the record"))
    kind = django_filters.ChoiceFilter(choices=PersonalDataAccess.Kind.choices, label=_("Kind"), empty_label=_("All"))

    class Meta:
        model = PersonalDataAccess
        fields = ["date_from", "date_to", "who", "unit", "kind"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Committees of both eras within the reader's personal-data scope only (names must not leak).
        scope = personal_data_scope(self.user)
        units = Unit.objects.filter(kind__in=[UnitKind.CITY, UnitKind.DISTRICT, UnitKind.COMMUNE])
        if not scope.everything:
            units = units.filter(pk__in=scope.unit_ids)
        self.filters["unit"].queryset = units.order_by("-valid_to", "name")

    def filter_who(self, queryset, name, value):
        return queryset.filter(Q(user__username__icontains=value) | Q(user__full_name__icontains=value))


class PersonalDataAccessLogView(ScopedViewMixin, ListView):
    """Who saw a confidential identity or exported personal data, in records of the units the reader may audit
    or may see identities in (anyone else: 403)."""

    model = PersonalDataAccess
    template_name = "audit/personal_data_log.html"
    paginate_by = 50

    def get_scope(self) -> UnitScope:
        return personal_data_scope(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.get_scope().is_empty:
            raise PermissionDenied(
                _("Only administrators, steering committee members and those who may see identities read this log.")
            )
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # The accesses of the reader's personal-data scope (audit or identity right), not of one action's scope.
        self.filterset = PersonalDataAccessFilterSet(
            self.request.GET or None, queryset=personal_data_accesses(self.request.user), user=self.request.user
        )
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else self.filterset.queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        return context
