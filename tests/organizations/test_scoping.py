import pytest

from accounts.roles import Action, Role
from accounts.scoping import has_right, subtree_ids, unit_scope
from organizations.models import Unit
from tests.factories import UnitFactory, UserFactory, merge_units, user_with_role


def test_ward_official_scope_is_the_ward_its_subtree_and_the_wards_it_replaced(
    ward, grassroots, old_ward, other_ward, ward_official
):
    visible = set(Unit.objects.visible_to(ward_official))
    assert visible == {ward, grassroots, old_ward}


def test_predecessors_are_followed_recursively_with_their_own_subtrees(city, ward, old_ward, ward_official):
    older = UnitFactory(name="Phường Rất Cũ", parent=city)
    cell_of_older = UnitFactory(name="Chi bộ cũ", kind="cell", parent=older, code="")
    merge_units([older], old_ward)
    assert {older.pk, cell_of_older.pk} <= subtree_ids({ward.pk})


def test_steering_member_at_the_root_sees_everything_without_an_id_list(city, ward, other_ward, steering_member):
    scope = unit_scope(steering_member, Action.VIEW)
    assert scope.everything
    assert set(Unit.objects.visible_to(steering_member)) == set(Unit.objects.all())


def test_user_without_role_sees_nothing(ward):
    assert not Unit.objects.visible_to(UserFactory()).exists()


def test_inactive_assignment_grants_nothing(ward):
    user = user_with_role(ward, Role.WARD_OFFICIAL, is_active=False)
    assert unit_scope(user, Action.VIEW).is_empty


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.WARD_OFFICIAL, Action.CHANGE, True),
        (Role.WARD_OFFICIAL, Action.APPROVE, False),
        (Role.WARD_OFFICIAL, Action.SEE_IDENTITY, False),
        (Role.DISTRICT_REVIEWER, Action.APPROVE, True),
        (Role.DISTRICT_REVIEWER, Action.CHANGE, False),
        (Role.ADMINISTRATOR, Action.VIEW, True),
        (Role.ADMINISTRATOR, Action.CHANGE, False),
        (Role.ADMINISTRATOR, Action.SEE_IDENTITY, False),
    ],
)
def test_rights_come_from_the_role(ward, role, action, allowed):
    user = user_with_role(ward, role)
    assert has_right(user, action, ward.pk) is allowed


def test_identity_right_is_explicit_per_assignment(ward, other_ward):
    user = user_with_role(ward, Role.DISTRICT_REVIEWER, may_see_identity=True)
    assert has_right(user, Action.SEE_IDENTITY, ward.pk)
    assert not has_right(user, Action.SEE_IDENTITY, other_ward.pk)


def test_scope_costs_two_queries_per_request_whatever_the_actions(
    ward, grassroots, ward_official, django_assert_num_queries
):
    with django_assert_num_queries(2):
        unit_scope(ward_official, Action.VIEW)
        unit_scope(ward_official, Action.VIEW)
        has_right(ward_official, Action.VIEW, grassroots.pk)
    with django_assert_num_queries(0):  # the same assignment gives CHANGE: its subtree is already known
        unit_scope(ward_official, Action.CHANGE)
