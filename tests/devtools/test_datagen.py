"""The data generator (`manage.py generate_data`, devtools/datagen.py) at its tiny scale on the test database."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from accounts.roles import Role
from cases.choices import OPEN_STATUSES, CaseKind
from cases.models import Case, CaseDeadline, CaseEvent, Letter
from citizens.delegations import mass_q
from citizens.models import Citizen, ReceptionSession, Visit
from devtools import datagen
from organizations.choices import DossierStatus, RatingLevel, UnitKind
from organizations.models import PlanTask, QualityRating, Unit, WeakDossier
from organizations.units_loader import REFORM_START
from organizations.weak_list import weak_figures
from tests.factories import CaseFactory, CitizenFactory, user_with_role

pytestmark = pytest.mark.django_db

TINY = datagen.SCALES["tiny"]


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_data", scale="tiny", seed=7, stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    user = datagen.datagen_user()
    return {
        "sessions": ReceptionSession.objects.filter(created_by=user).count(),
        "visits": Visit.objects.filter(created_by=user).count(),
        "letters": Letter.objects.filter(created_by=user).count(),
        "cases": Case.objects.filter(created_by=user).count(),
        "deadlines": CaseDeadline.objects.filter(case__created_by=user).count(),
        "events": CaseEvent.objects.filter(case__created_by=user).count(),
        "citizens": Citizen.objects.count(),
        "organizations": Unit.objects.filter(kind=UnitKind.GRASSROOTS, code__startswith="G").count(),
        "ratings": QualityRating.objects.filter(rated_by=user).count(),
        "dossiers": WeakDossier.objects.filter(created_by=user).count(),
        "tasks": PlanTask.objects.filter(dossier__created_by=user).count(),
    }


@pytest.fixture
def generated():
    generate()
    return datagen.datagen_user()


def test_tiny_scale_writes_the_planned_counts_and_consistent_rows(generated):
    cases = Case.objects.filter(created_by=generated)
    assert cases.count() == TINY.cases
    assert ReceptionSession.objects.filter(created_by=generated).count() == TINY.sessions
    assert Letter.objects.filter(created_by=generated).count() == TINY.cases + round(
        TINY.cases * (datagen.REPEAT_LETTERS_PER_CASE + datagen.OTHER_LETTERS_PER_CASE)
    )
    assert cases.filter(number__startswith="G").count() == TINY.cases
    # Every case has its "created" event and the letter that opened it; a visit-sourced one its visit's person.
    assert not cases.annotate(n=Count("events")).exclude(n=1).exists()
    assert not cases.filter(letters__isnull=True).exists()
    from_visits = cases.filter(source_visit__isnull=False).select_related("source_visit__session")
    assert from_visits.count() >= TINY.cases // 4
    for case in from_visits:
        assert case.complainant_id == case.source_visit.citizen_id
        assert case.unit_id == case.source_visit.session.unit_id
    # The current due date is the earliest deadline not met, and only open cases have one.
    for case in cases.prefetch_related("deadlines"):
        unmet = [d.due_on for d in case.deadlines.all() if d.met_on is None]
        assert case.due_on == (min(unmet) if unmet else None)
        if case.due_on:
            assert case.status in OPEN_STATUSES
    # Deferred foreign keys would only be checked at commit, which a test never reaches: check them now.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_every_record_is_filed_under_a_commune_of_its_era(generated):
    for model, date_field in ((Case, "received_on"), (Letter, "received_on"), (ReceptionSession, "starts_at__date")):
        rows = model.objects.filter(created_by=generated)
        assert not rows.exclude(unit__kind=UnitKind.COMMUNE).exists()
        before = Q(**{f"{date_field}__lt": REFORM_START})
        assert not rows.filter(before, unit__valid_to__isnull=True).exists()
        assert not rows.filter(~before, unit__valid_to__isnull=False).exists()
        assert rows.filter(before).exists() and rows.exclude(before).exists()
    assert Case.objects.filter(created_by=generated).values("unit__valid_to").distinct().count() == 2


def test_search_texts_are_folded_as_the_models_fold_them(generated, client):
    def refolded(record, *refresh: str) -> tuple:
        """The record's stored texts, and the texts its model's own formula gives (the generator writes the first
        from parts folded one by one)."""
        names = [name.removeprefix("refresh_") for name in refresh]
        stored = tuple(getattr(record, name) for name in names)
        for method in refresh:
            getattr(record, method)()
        return stored, tuple(getattr(record, name) for name in names)

    for case in Case.objects.filter(created_by=generated).select_related("complainant"):
        stored, folded = refolded(case, "refresh_search_text", "refresh_identity_text")
        assert stored == folded and all(stored)
    for letter in Letter.objects.filter(created_by=generated):
        stored, folded = refolded(letter, "refresh_search_text")
        assert stored == folded
    for citizen in Citizen.objects.all():
        stored, folded = refolded(citizen, "refresh_search_text")
        assert stored == folded
    for unit in Unit.objects.filter(kind=UnitKind.GRASSROOTS, code__startswith="G"):
        stored, folded = refolded(unit, "refresh_search_text")
        assert stored == folded
    assert Citizen.objects.filter(search_text__contains="nguyen").exists()

    city = Unit.objects.get(parent__isnull=True)
    client.force_login(user_with_role(city, Role.STEERING_MEMBER, may_see_identity=True))
    found = client.get(reverse("cases:case_list"), {"q": "nguyen"}).context["paginator"].count
    assert found == Case.objects.filter(Q(search_text__contains="nguyen") | Q(identity_text__contains="nguyen")).count()
    assert found > 0


def test_generated_cases_appear_in_a_steering_members_case_list(generated, client):
    city = Unit.objects.get(parent__isnull=True)
    client.force_login(user_with_role(city, Role.STEERING_MEMBER))
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 200
    assert response.context["paginator"].count == TINY.cases
    newest = Case.objects.filter(created_by=generated).order_by("-received_on", "-pk").first()
    assert newest.number in response.content.decode()
    mass = client.get(reverse("cases:case_list"), {"flag": "mass"}).context["paginator"].count
    assert mass == Case.objects.filter(mass_q()).count() > 0


def test_a_rerun_needs_reset_and_reset_gives_the_same_data(generated):
    before = counts()
    with pytest.raises(CommandError, match="--reset"):
        generate()
    output = generate(reset=True)
    assert "TRUNCATE" in output  # the test database holds nothing else
    assert counts() == before
    assert "cases_case" in output and "Shares (%)" in output


def test_reset_deletes_only_generated_rows(generated):
    ward = Unit.objects.get(code="00004", valid_to__isnull=True)
    citizen = CitizenFactory(unit=ward)
    real = CaseFactory(unit=ward, complainant=citizen, received_on=date(2026, 3, 2), kind=CaseKind.COMPLAINT)
    before = counts()
    output = generate(reset=True)
    assert "TRUNCATE" not in output
    assert Case.objects.filter(pk=real.pk).exists() and Citizen.objects.filter(pk=citizen.pk).exists()
    assert counts() == before


def test_organizations_are_rated_every_year_and_weak_ones_get_a_dossier(generated):
    organizations = Unit.objects.filter(kind=UnitKind.GRASSROOTS, code__startswith="G")
    assert organizations.count() >= 3 * 15  # three communes, each with a few dozen organizations
    assert not organizations.exclude(parent__kind=UnitKind.COMMUNE, parent__valid_to__isnull=True).exists()
    ratings = QualityRating.objects.filter(rated_by=generated)
    years = sorted(set(ratings.values_list("year", flat=True)))
    assert len(years) == 5 and years[-1] == date.today().year - 1
    assert not organizations.annotate(n=Count("ratings")).exclude(n=5).exists()
    for rating in ratings.filter(regulation__uses_score=True)[:50]:
        assert rating.regulation.level_for_score(rating.score) == rating.level  # scores fall in their level's band
    weak = ratings.filter(level=RatingLevel.NOT_COMPLETED)
    assert weak.exists()
    assert set(WeakDossier.objects.values_list("rating_id", flat=True)) == set(weak.values_list("pk", flat=True))
    assert not WeakDossier.objects.annotate(n=Count("tasks")).filter(n__lt=3).exists()
    approved = WeakDossier.objects.filter(approved_at__isnull=False)
    assert not approved.exclude(
        status__in=[DossierStatus.CONSOLIDATING, DossierStatus.OFF_LIST, DossierStatus.CARRIED_OVER]
    ).exists()
    assert not WeakDossier.objects.filter(status=DossierStatus.OFF_LIST, ended_on__isnull=True).exists()
    # The generated dossiers count in the weak-organization figures like typed ones.
    steering = user_with_role(Unit.objects.get(parent__isnull=True), Role.STEERING_MEMBER)
    figures = weak_figures(user=steering, start=date(years[-1] + 1, 1, 1), end=date.today())
    assert figures["identified"] == weak.filter(year=years[-1]).count() > 0


def test_large_scales_need_postgresql(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(datagen.GenerationError, match="PostgreSQL"):
        datagen.generate(scale_name="district")


def test_the_demo_loads_beside_generated_organizations_of_the_same_names(generated):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # and again: idempotent
    ward = Unit.objects.get(code="00004", valid_to__isnull=True)
    names = Unit.objects.filter(parent=ward, name="Chi bộ Tổ dân phố số 1")
    assert names.filter(code="").count() == 1 and names.exclude(code="").exists()
