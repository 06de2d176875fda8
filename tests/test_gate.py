"""The gate, literally one: every view with unit data inherits ScopedViewMixin, every form or filter set offering
records as choices derives from the gate's bases (whose choices are restricted in one call), and background jobs
act as the explicit SYSTEM principal."""

import importlib
import inspect
import pkgutil

import django_filters
import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Action
from accounts.scoping import (
    SYSTEM,
    ScopedFilterSet,
    ScopedForm,
    ScopedModelForm,
    ScopedViewMixin,
    has_right,
    unit_scope,
)
from cases.models import Case
from organizations.models import Unit
from tests.factories import CaseFactory

APPS = ["core", "accounts", "organizations", "citizens", "cases", "reports", "overview", "imports", "audit"]

# Views that show or change no unit's data, each with the reason.
NO_UNIT_DATA = {
    "core:health": "the health probe: database, broker and worker, no records",
    "set_language": "the language of the interface",
    "accounts:login": "signing in",
    "accounts:logout": "signing out",
    "accounts:account": "the user's own account and role assignments",
    "accounts:password_change": "the user's own password",
    "accounts:password_change_done": "the user's own password",
    "accounts:two_factor_setup": "the user's own second factor",
    "accounts:two_factor_verify": "the user's own second factor",
    "accounts:two_factor_remove": "the user's own second factor",
    "imports:template": "an empty spreadsheet template: headings and an example row",
}


def _url_views(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _url_views(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern.callback


def _project_classes():
    for app in APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__:
                    yield cls


def test_every_view_with_unit_data_inherits_the_gate():
    outside = []
    for name, callback in _url_views(get_resolver().url_patterns):
        if name.startswith("admin:") or name in NO_UNIT_DATA:
            continue
        view_class = getattr(callback, "view_class", None)
        if view_class is None or not issubclass(view_class, ScopedViewMixin):
            outside.append(f"{name} ({callback.__module__}.{getattr(view_class, '__name__', callback.__name__)})")
    assert not outside, "Views outside the gate: " + ", ".join(outside)


def test_every_exempt_view_still_exists():
    names = {name for name, _callback in _url_views(get_resolver().url_patterns)}
    assert set(NO_UNIT_DATA) <= names


def _offers_scoped_records(field) -> bool:
    queryset = getattr(field, "queryset", None)
    return queryset is not None and not callable(queryset) and hasattr(queryset, "visible_to")


def test_every_form_offering_records_restricts_its_choices_through_the_gate():
    loose = []
    for cls in _project_classes():
        if (
            issubclass(cls, forms.BaseForm)
            and not issubclass(cls, ScopedForm | ScopedModelForm)
            and any(_offers_scoped_records(field) for field in cls.base_fields.values())
        ):
            loose.append(f"{cls.__module__}.{cls.__name__}")
    assert not loose, "Forms offering records without the gate: " + ", ".join(loose)


def test_every_filter_set_takes_the_user_and_restricts_its_choices():
    loose = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in _project_classes()
        if issubclass(cls, django_filters.FilterSet) and not issubclass(cls, ScopedFilterSet)
    ]
    assert not loose, "Filter sets outside the gate: " + ", ".join(loose)


class _CarelessForm(ScopedForm):
    """Sets its own queryset in __init__, after the base's __init__ ran: the gate must still apply."""

    unit: "forms.ModelChoiceField[Unit]" = forms.ModelChoiceField(queryset=Unit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.all()


def test_a_forms_own_queryset_set_in_init_is_still_restricted(ward, other_ward, ward_official):
    choices = set(_CarelessForm(user=ward_official).fields["unit"].queryset)
    assert ward in choices
    assert other_ward not in choices
    assert other_ward.parent not in choices  # the city above is not the official's either


def test_a_filter_set_offers_only_the_users_units_and_handlers(ward, other_ward, ward_official, other_ward_official):
    from cases.filtersets import CaseFilterSet

    filterset = CaseFilterSet(None, queryset=Case.objects.all(), user=ward_official)
    assert ward in set(filterset.form.fields["unit"].queryset)
    assert other_ward not in set(filterset.form.fields["unit"].queryset)
    handlers = set(filterset.form.fields["handler"].queryset)
    assert ward_official in handlers
    assert other_ward_official not in handlers


@pytest.mark.django_db
def test_the_system_principal_sees_every_unit_but_no_identity(ward, other_ward):
    CaseFactory(unit=ward)
    CaseFactory(unit=other_ward)
    assert Case.objects.visible_to(SYSTEM).count() == 2
    assert unit_scope(SYSTEM, Action.VIEW).everything
    assert not has_right(SYSTEM, Action.SEE_IDENTITY, ward.pk)


def test_the_system_principal_owns_no_personal_record(ward_official):
    from overview.models import Notification

    Notification.objects.create(user=ward_official, key="k", message="m")
    assert not Notification.objects.visible_to(SYSTEM).exists()
    assert Notification.objects.visible_to(ward_official).count() == 1


def test_a_forms_choices_follow_the_right_it_is_for(city, ward, grassroots, steering_member, district_reviewer):
    """The gate narrows a form's choices by the form's own right: a steering member (who compiles, but changes
    nothing) is offered the city in the report form; a reviewer is offered the organizations they review."""
    from organizations.forms import DossierForm
    from organizations.forms_ratings import WeakListForm
    from reports.forms import ReportRequestForm

    assert city in set(ReportRequestForm(user=steering_member).fields["unit"].queryset)
    assert grassroots in set(DossierForm(user=district_reviewer).fields["unit"].queryset)
    assert city in set(WeakListForm(user=steering_member).fields["unit"].queryset)
