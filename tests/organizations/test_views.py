from django.urls import reverse

from tests.factories import UnitFactory


def test_unit_list_shows_only_the_users_subtree(client, ward, grassroots, other_ward, ward_official):
    client.force_login(ward_official)
    content = client.get(reverse("organizations:unit_list")).content.decode()
    assert grassroots.name in content
    assert other_ward.name not in content


def test_unit_search_ignores_diacritics(client, ward, grassroots, ward_official):
    client.force_login(ward_official)
    response = client.get(reverse("organizations:unit_list"), {"q": "to dan pho"})
    assert list(response.context["object_list"]) == [grassroots]


def test_unit_list_costs_the_same_queries_for_one_or_many_rows(
    client, ward, ward_official, django_assert_max_num_queries
):

    client.force_login(ward_official)
    UnitFactory(parent=ward, kind="grassroots", code="")
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("organizations:unit_list"))
    for _ in range(30):
        UnitFactory(parent=ward, kind="grassroots", code="")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("organizations:unit_list"))


def test_unit_detail_outside_scope_is_404(client, other_ward, ward_official):
    client.force_login(ward_official)
    assert client.get(other_ward.get_absolute_url()).status_code == 404


def test_unit_detail_lists_the_wards_it_was_formed_from(client, ward, old_ward, ward_official):
    client.force_login(ward_official)
    response = client.get(ward.get_absolute_url())
    assert old_ward.name in response.content.decode()
