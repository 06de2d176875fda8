"""Quality ratings: one organization at a time, a whole commune at once, and the list — all within scope."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from organizations import services
from organizations.choices import DossierOrigin, DossierStatus, RatingLevel, UnitKind
from organizations.models import QualityRating, RatingRegulation, WeakDossier
from tests.factories import UnitFactory


def organization(parent, name):
    return UnitFactory(name=name, kind=UnitKind.GRASSROOTS, division_type="", parent=parent, code="")


def rate(client, **data):
    return client.post(reverse("organizations:rating_create"), {"reasons": "", "score": "", **data})


@pytest.fixture
def neighbours(other_ward, other_ward_official):
    """An organization of the other ward, with a rating of its own."""
    unit = organization(other_ward, "Chi bộ Khu dân cư Ngoài Phạm Vi")
    services.rating_record(
        user=other_ward_official,
        unit=unit,
        year=2024,
        regulation=RatingRegulation.objects.get(code="124-QĐ/TW"),
        level=RatingLevel.GOOD,
    )
    return unit


def test_a_score_under_366_must_match_its_band(client, grassroots, ward_official):
    client.force_login(ward_official)
    response = rate(client, unit=grassroots.pk, year=2025, level=RatingLevel.COMPLETED, score="85")
    assert response.status_code == 200
    assert "level" in response.context["form"].errors  # 85 is in the 70–< 90 band: "well completed"
    assert not QualityRating.objects.exists()

    response = rate(client, unit=grassroots.pk, year=2025, level=RatingLevel.GOOD, score="85")
    assert response.status_code == 302
    rating = QualityRating.objects.get()
    assert (rating.level, rating.score, rating.regulation.code) == (RatingLevel.GOOD, Decimal(85), "366-QĐ/TW")
    assert rating.history.get().history_user == ward_official


def test_366_needs_a_score_and_the_decimal_comma_is_read(client, grassroots, ward_official):
    client.force_login(ward_official)
    response = rate(client, unit=grassroots.pk, year=2025, level=RatingLevel.EXCELLENT)
    assert "score" in response.context["form"].errors
    assert rate(client, unit=grassroots.pk, year=2025, level=RatingLevel.EXCELLENT, score="92,5").status_code == 302
    assert QualityRating.objects.get().score == Decimal("92.5")


def test_weak_is_refused_under_366_but_allowed_under_27_hd(client, grassroots, ward_official):
    client.force_login(ward_official)
    response = rate(client, unit=grassroots.pk, year=2025, level=RatingLevel.WEAK, score="40")
    assert "level" in response.context["form"].errors
    assert not QualityRating.objects.exists()

    response = rate(client, unit=grassroots.pk, year=2016, level=RatingLevel.WEAK, reasons="Nội bộ mất đoàn kết")
    assert response.status_code == 302
    rating = QualityRating.objects.get()
    assert (rating.year, rating.regulation.code, rating.level) == (2016, "27-HD/BTCTW", RatingLevel.WEAK)


def test_a_not_completed_rating_opens_a_draft_dossier_and_says_so(client, grassroots, ward_official):
    client.force_login(ward_official)
    response = rate(
        client, unit=grassroots.pk, year=2025, level=RatingLevel.NOT_COMPLETED, score="42", reasons="Dưới 50% chỉ tiêu"
    )
    assert response.status_code == 302
    dossier = WeakDossier.objects.get()
    assert (dossier.unit, dossier.year, dossier.status) == (grassroots, 2025, DossierStatus.DRAFT)
    assert dossier.origin == DossierOrigin.RATING and dossier.rating == QualityRating.objects.get()
    page = client.get(response.url).content.decode()
    assert grassroots.name in page
    assert reverse("organizations:dossier_list") in page


def test_recording_again_corrects_the_rating_of_that_year(client, grassroots, ward_official):
    client.force_login(ward_official)
    rate(client, unit=grassroots.pk, year=2024, level=RatingLevel.COMPLETED)
    prefilled = client.get(reverse("organizations:rating_create"), {"unit": grassroots.pk, "year": 2024})
    assert prefilled.context["form"].initial["level"] == RatingLevel.COMPLETED
    rate(client, unit=grassroots.pk, year=2024, level=RatingLevel.GOOD)
    assert QualityRating.objects.get().level == RatingLevel.GOOD


# A whole commune at once ----------------------------------------------------------------------------------------


@pytest.fixture
def commune_organizations(ward, grassroots):
    police = organization(ward, "Đảng bộ Công an phường")
    cell = UnitFactory(name="Chi bộ Cảnh sát khu vực", kind=UnitKind.CELL, division_type="", parent=police, code="")
    return [grassroots, police, cell]


def bulk_url(ward, year=2025):
    return f"{reverse('organizations:rating_bulk')}?commune={ward.pk}&year={year}"


def bulk_post(formset, lines):
    """The commune form as the browser sends it, with `lines` ({unit: (level, score)}) filled in."""
    data = {
        "rows-TOTAL_FORMS": str(len(formset.forms)),
        "rows-INITIAL_FORMS": str(len(formset.forms)),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for index, form in enumerate(formset.forms):
        level, score = lines.get(form.organization, ("", ""))
        data.update(
            {
                f"rows-{index}-unit": str(form.organization.pk),
                f"rows-{index}-level": level,
                f"rows-{index}-score": score,
                f"rows-{index}-reasons": "",
            }
        )
    return data


def test_the_commune_form_lists_its_current_organizations(client, ward, old_ward, commune_organizations, ward_official):
    organization(old_ward, "Chi bộ của phường cũ")  # abolished with its ward: not rated any more
    client.force_login(ward_official)
    response = client.get(bulk_url(ward))
    assert [form.organization for form in response.context["formset"].forms] == commune_organizations


def test_the_commune_form_saves_every_line_at_once(client, ward, commune_organizations, ward_official):
    grassroots, police, _cell = commune_organizations
    client.force_login(ward_official)
    formset = client.get(bulk_url(ward)).context["formset"]
    lines = {grassroots: ("not_completed", "45"), police: ("excellent", "95")}
    response = client.post(bulk_url(ward), bulk_post(formset, lines))
    assert response.status_code == 302
    saved = {rating.unit: (rating.level, rating.score) for rating in QualityRating.objects.all()}
    assert saved == {grassroots: ("not_completed", Decimal(45)), police: ("excellent", Decimal(95))}
    assert WeakDossier.objects.get().unit == grassroots  # the cell, left without a level, was not rated


def test_the_commune_form_shows_and_keeps_the_ratings_already_recorded(
    client, ward, commune_organizations, ward_official
):
    grassroots, police, _cell = commune_organizations
    regulation = RatingRegulation.objects.get(code="366-QĐ/TW")
    existing = services.rating_record(
        user=ward_official, unit=grassroots, year=2025, regulation=regulation, level="good", score=Decimal(80)
    )
    client.force_login(ward_official)
    formset = client.get(bulk_url(ward)).context["formset"]
    assert formset.forms[0].initial["level"] == "good"
    data = bulk_post(formset, {grassroots: ("good", "80,00"), police: ("completed", "65")})
    assert client.post(bulk_url(ward), data).status_code == 302
    assert existing.history.count() == 1  # unchanged, so not saved again
    assert QualityRating.objects.get(unit=police).level == "completed"


def test_one_bad_line_saves_nothing_and_is_pointed_at(client, ward, commune_organizations, ward_official):
    grassroots, police, cell = commune_organizations
    client.force_login(ward_official)
    formset = client.get(bulk_url(ward)).context["formset"]
    lines = {grassroots: ("good", "80"), police: ("excellent", "95"), cell: ("completed", "85")}
    response = client.post(bulk_url(ward), bulk_post(formset, lines))
    assert response.status_code == 200
    assert not QualityRating.objects.exists()
    forms = response.context["formset"].forms
    assert [bool(form.errors) for form in forms] == [False, False, True]
    assert "level" in forms[2].errors
    summary = response.context["row_errors"]
    assert [error["anchor"] for error in summary] == ["id_rows-2-level"]
    assert summary[0]["message"].startswith(cell.name)
    assert 'aria-invalid="true"' in response.content.decode()


def test_an_error_of_the_service_lands_on_its_line(client, ward, commune_organizations, ward_official, monkeypatch):
    """Errors found only when saving (the service is keyed by the position of the line among those sent)."""
    grassroots, _police, cell = commune_organizations

    def refuse(*, user, rows):
        assert [row["unit"] for row in rows] == [grassroots, cell]
        raise ValidationError({"1-reasons": ["Ghi lý do."]})

    monkeypatch.setattr(services, "ratings_record_for_commune", refuse)
    client.force_login(ward_official)
    formset = client.get(bulk_url(ward)).context["formset"]
    lines = {grassroots: ("good", "80"), cell: ("completed", "60")}
    response = client.post(bulk_url(ward), bulk_post(formset, lines))
    forms = response.context["formset"].forms
    assert forms[2].errors == {"reasons": ["Ghi lý do."]}
    assert not forms[0].errors and not forms[1].errors


# Scope ----------------------------------------------------------------------------------------------------------


def test_another_wards_organizations_are_not_offered(client, grassroots, neighbours, other_ward, ward_official):
    client.force_login(ward_official)
    offered = client.get(reverse("organizations:rating_create")).context["form"].fields["unit"].queryset
    assert grassroots in offered and neighbours not in offered

    response = rate(client, unit=neighbours.pk, year=2025, level=RatingLevel.GOOD, score="80")
    assert "unit" in response.context["form"].errors
    assert QualityRating.objects.filter(year=2025).count() == 0

    response = client.get(bulk_url(other_ward))
    assert "commune" in response.context["choice"].errors and "formset" not in response.context
    assert other_ward.name not in response.content.decode()


def test_another_wards_ratings_are_not_listed(client, grassroots, neighbours, ward_official):
    services.rating_record(
        user=ward_official,
        unit=grassroots,
        year=2024,
        regulation=RatingRegulation.objects.get(code="124-QĐ/TW"),
        level=RatingLevel.GOOD,
    )
    client.force_login(ward_official)
    response = client.get(reverse("organizations:rating_list"))
    assert [rating.unit for rating in response.context["object_list"]] == [grassroots]
    assert neighbours.name not in response.content.decode()

    response = client.get(reverse("organizations:rating_list"), {"unit": neighbours.pk})
    assert not list(response.context["object_list"])
    assert neighbours.name not in response.content.decode()
    # Nor can its rating be opened for correction.
    prefilled = client.get(reverse("organizations:rating_create"), {"unit": neighbours.pk, "year": 2024})
    assert "level" not in prefilled.context["form"].initial


def test_the_rating_list_filters_within_a_ward_including_the_wards_it_replaced(
    client, ward, old_ward, grassroots, ward_official
):
    old = organization(old_ward, "Chi bộ của phường cũ")
    regulation = RatingRegulation.objects.get(code="124-QĐ/TW")
    for unit in (grassroots, old):
        services.rating_record(user=ward_official, unit=unit, year=2024, regulation=regulation, level="good")
    client.force_login(ward_official)
    response = client.get(reverse("organizations:rating_list"), {"unit": old_ward.pk})
    assert [rating.unit for rating in response.context["object_list"]] == [old]
    response = client.get(reverse("organizations:rating_list"), {"level": "good", "year": 2024})
    assert response.context["paginator"].count == 2


def test_the_rating_list_costs_the_same_queries_for_few_or_many(
    client, ward, ward_official, django_assert_max_num_queries
):
    regulation = RatingRegulation.objects.get(code="124-QĐ/TW")

    def add(count):
        units = [organization(ward, "Chi bộ") for _ in range(count)]
        official = User.objects.get(pk=ward_official.pk)  # a user's scope is cached on the object; these units are new
        for unit in units:
            services.rating_record(user=official, unit=unit, year=2024, regulation=regulation, level="good")

    add(1)
    client.force_login(ward_official)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("organizations:rating_list"))
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("organizations:rating_list"))
