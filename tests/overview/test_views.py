from django.urls import reverse

from tests.factories import UnitFactory


def test_home_counts_only_the_users_scope(client, ward, grassroots, old_ward, other_ward, ward_official):
    UnitFactory(parent=other_ward, kind="grassroots", code="")
    client.force_login(ward_official)
    counts = client.get(reverse("overview:home")).context["unit_counts"]
    assert counts == {"communes": 1, "grassroots": 1, "cells": 0, "legacy": 1}


def test_home_for_the_steering_committee_counts_the_whole_city(client, ward, other_ward, old_ward, steering_member):
    client.force_login(steering_member)
    counts = client.get(reverse("overview:home")).context["unit_counts"]
    assert counts["communes"] == 2
    assert counts["legacy"] == 2  # the old district and the old ward


def test_health_checks_the_database_without_login(client, db):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.json()["checks"]["database"] is True


def test_home_counts_this_months_reception_in_scope(client, ward, other_ward, ward_official):
    from tests.factories import ReceptionSessionFactory, VisitFactory

    VisitFactory(
        session=ReceptionSessionFactory(unit=ward, created_by=ward_official), people_count=6, is_mass_delegation=True
    )
    VisitFactory(session=ReceptionSessionFactory(unit=other_ward, created_by=ward_official), people_count=2)
    client.force_login(ward_official)
    reception = client.get(reverse("overview:home")).context["reception"]
    assert (reception["sessions"], reception["visits"], reception["people"], reception["delegations"]) == (1, 1, 6, 1)


def test_home_charts_count_cases_in_scope_by_month_and_field(client, ward, other_ward, ward_official):
    from django.utils import timezone

    from tests.factories import CaseFactory

    today = timezone.localdate()
    CaseFactory(unit=ward, received_on=today)
    CaseFactory(unit=ward, received_on=today)
    CaseFactory(unit=other_ward, received_on=today)
    client.force_login(ward_official)
    context = client.get(reverse("overview:home")).context
    assert [bar.value for bar in context["month_chart"]] == [2]
    assert [bar.value for bar in context["field_chart"].bars] == [2]


def test_overview_figures_are_kept_for_a_while_and_say_when(client, ward, ward_official, settings):
    from django.core.cache import cache

    from tests.factories import CaseFactory

    settings.OVERVIEW_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(ward_official)
    first = client.get(reverse("overview:home")).context["cases"]["open"]
    CaseFactory(unit=ward, status="accepted")
    response = client.get(reverse("overview:home"))
    assert response.context["cases"]["open"] == first  # kept: the page states the time of the figures
    assert response.context["computed_at"] is not None
    settings.OVERVIEW_CACHE_SECONDS = 0
    assert client.get(reverse("overview:home")).context["cases"]["open"] == first + 1
