"""The dossier workflow as data (organizations/workflow.py): services refuse what it does not allow, and the dossier
page offers exactly what it allows."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import Action, Role
from organizations import services, workflow
from organizations.choices import DossierStatus, RatingLevel
from organizations.models import DossierEvent, RatingRegulation, WeakDossier, WeakReason
from tests.factories import UnitFactory, user_with_role
from tests.organizations.test_dossiers import add_tasks


@pytest.fixture
def dossier(grassroots, ward_official):
    opened = services.dossier_open(
        user=ward_official,
        unit=grassroots,
        year=2025,
        origin="rating",
        identified_on=date(2026, 1, 5),
        reasons=WeakReason.objects.filter(code="mat-doan-ket"),
        goals="Khôi phục đoàn kết nội bộ",
    )
    add_tasks(opened, ward_official, count=1)
    return opened


def at(dossier, status):
    """The dossier put straight into a status, to try every move from it."""
    WeakDossier.objects.filter(pk=dossier.pk).update(status=status)
    return WeakDossier.objects.select_related("unit").get(pk=dossier.pk)


def arguments(move):
    return {"note": "Ý kiến của cấp ủy", "on": date(2026, 2, 1)}


def test_the_table_speaks_of_real_statuses_and_rights():
    for move in workflow.MOVES.values():
        assert move.sources <= set(DossierStatus.values) and move.target in DossierStatus.values
        assert move.right in Action.values and move.target not in move.sources
    assert {RatingLevel.NOT_COMPLETED, RatingLevel.WEAK} == workflow.OPENS_A_DOSSIER
    # Everything after submission is the committee above's, and only submission is the organization's.
    assert {m.name for m in workflow.MOVES.values() if m.by == workflow.By.ORGANIZATION} == {"submit"}


@pytest.mark.parametrize("name", list(workflow.MOVES))
@pytest.mark.parametrize("status", DossierStatus.values)
def test_a_move_from_a_status_the_workflow_does_not_list_is_refused(
    dossier, ward_official, district_reviewer, name, status
):
    move = workflow.MOVES[name]
    user = ward_official if move.by == workflow.By.ORGANIZATION else district_reviewer
    dossier = at(dossier, status)
    if status in move.sources:
        moved = services.dossier_transition(user=user, dossier=dossier, move=name, **arguments(move))
        assert moved.status == move.target
        assert DossierEvent.objects.filter(dossier=dossier, from_status=status, to_status=move.target).exists()
    else:
        with pytest.raises(ValidationError) as error:
            services.dossier_transition(user=user, dossier=dossier, move=name, **arguments(move))
        assert error.value.messages == [str(move.refusal)]
        assert WeakDossier.objects.get(pk=dossier.pk).status == status


@pytest.mark.parametrize("name", list(workflow.MOVES))
def test_a_move_without_its_right_on_its_unit_is_refused(dossier, ward, ward_official, district_reviewer, name):
    move = workflow.MOVES[name]
    dossier = at(dossier, next(iter(move.sources)))
    # The organization's own committee may not approve its plan; a reviewer held for the organization itself is
    # not the committee above it; the committee above may not submit for the organization.
    own_reviewer = user_with_role(dossier.unit, Role.DISTRICT_REVIEWER)
    refused = [district_reviewer] if move.by == workflow.By.ORGANIZATION else [ward_official, own_reviewer]
    for user in refused:
        assert move not in workflow.moves_for(user, dossier)
        with pytest.raises(PermissionDenied):
            services.dossier_transition(user=user, dossier=dossier, move=name, **arguments(move))
    assert WeakDossier.objects.get(pk=dossier.pk).status == dossier.status
    assert not DossierEvent.objects.filter(dossier=dossier, kind=DossierEvent.Kind.TRANSITION).exists()


def test_an_unknown_move_is_refused(dossier, ward_official):
    with pytest.raises(ValidationError):
        services.dossier_transition(user=ward_official, dossier=dossier, move="delete")


@pytest.mark.parametrize("closing", ["void", "handed_over"])
def test_a_voided_or_handed_over_dossier_moves_no_further(dossier, district_reviewer, closing):
    dossier = at(dossier, DossierStatus.CONSOLIDATING)
    if closing == "void":
        WeakDossier.objects.filter(pk=dossier.pk).update(is_void=True)
    else:
        WeakDossier.objects.filter(pk=dossier.pk).update(ended_on=date(2026, 2, 1))
    dossier = WeakDossier.objects.select_related("unit").get(pk=dossier.pk)
    assert workflow.moves_for(district_reviewer, dossier) == []
    with pytest.raises(ValidationError):
        services.dossier_reassess(user=district_reviewer, dossier=dossier, assessment="Đã khắc phục")


def test_the_page_offers_what_the_workflow_allows_and_nothing_else(client, dossier, ward_official, district_reviewer):
    def offered(user, status):
        client.force_login(user)
        at(dossier, status)
        page = client.get(dossier.get_absolute_url())
        html = page.content.decode()
        names = [form.move.name for form in page.context["move_forms"]]
        for name in workflow.MOVES:
            assert (reverse("organizations:dossier_move", args=[dossier.pk, name]) in html) == (name in names)
        return names

    assert offered(ward_official, DossierStatus.DRAFT) == ["submit"]
    assert offered(district_reviewer, DossierStatus.DRAFT) == []
    assert offered(ward_official, DossierStatus.SUBMITTED) == []
    assert offered(district_reviewer, DossierStatus.SUBMITTED) == ["return", "approve"]
    assert offered(district_reviewer, DossierStatus.CONSOLIDATING) == ["reassess", "carry_over"]
    assert offered(district_reviewer, DossierStatus.REASSESSED) == ["off_list", "carry_over"]
    assert offered(district_reviewer, DossierStatus.OFF_LIST) == []


def test_a_move_posted_without_its_right_is_refused_with_a_message(client, dossier, ward_official):
    services.dossier_submit(user=ward_official, dossier=dossier)
    client.force_login(ward_official)
    response = client.post(reverse("organizations:dossier_move", args=[dossier.pk, "approve"]), follow=True)
    assert "Chỉ cấp ủy cấp trên" in response.content.decode()
    assert WeakDossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED


def test_a_return_without_comments_is_an_error_next_to_the_field(client, dossier, ward_official, district_reviewer):
    services.dossier_submit(user=ward_official, dossier=dossier)
    client.force_login(district_reviewer)
    response = client.post(reverse("organizations:dossier_move", args=[dossier.pk, "return"]), {"note": "  "})
    assert response.status_code == 200
    assert 'id="note-return-error"' in response.content.decode()
    assert WeakDossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED


@pytest.mark.parametrize("level", RatingLevel.values)
def test_the_levels_that_open_a_dossier_are_those_of_the_workflow(ward, ward_official, level):
    regulation = RatingRegulation.objects.get(code="27-HD/BTCTW")
    unit = UnitFactory(name="Chi bộ Khu dân cư số 2", kind="grassroots", division_type="", parent=ward, code="")
    services.rating_record(user=ward_official, unit=unit, year=2016, regulation=regulation, level=level)
    assert WeakDossier.objects.filter(unit=unit).exists() == (level in workflow.OPENS_A_DOSSIER)
