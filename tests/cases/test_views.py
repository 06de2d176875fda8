from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import PersonalDataAccess
from cases import services
from cases.models import Case
from tests.factories import CaseFactory, CitizenFactory, field


@pytest.fixture
def denunciation(ward, ward_official):
    citizen = CitizenFactory(unit=ward, full_name="Nguyễn Văn Tố Giác", address="Số 9 phố Kim Mã")
    letter = services.letter_receive(
        user=ward_official,
        unit=ward,
        received_on=date(2026, 2, 13),
        channel="post",
        sender=citizen,
        summary="Tố cáo cán bộ địa chính nhận tiền",
        content="denunciation",
        field=field(),
        is_processable=True,
        within_competence=True,
    )
    services.letter_dispose(user=ward_official, letter=letter, disposition="case", on=date(2026, 2, 13))
    return Case.objects.get(letters=letter)


def test_the_case_page_shows_the_due_date_and_why(client, denunciation, ward_official):
    client.force_login(ward_official)
    content = client.get(denunciation.get_absolute_url()).content.decode()
    assert "03/03/2026" in content
    assert "Luật Tố cáo năm 2018, Điều 24" in content


def test_a_denouncer_is_masked_without_the_right_in_page_list_and_search(client, denunciation, ward_official):
    client.force_login(ward_official)
    assert "Tố Giác" not in client.get(denunciation.get_absolute_url()).content.decode()
    assert "Tố Giác" not in client.get(reverse("cases:case_list")).content.decode()
    found = client.get(reverse("cases:case_list"), {"q": "to giac"}).context["object_list"]
    assert list(found) == []
    assert not PersonalDataAccess.objects.exists()


def test_a_user_with_the_right_sees_the_denouncer_and_the_view_is_logged(client, denunciation, district_reviewer):
    client.force_login(district_reviewer)
    assert "Nguyễn Văn Tố Giác" in client.get(denunciation.get_absolute_url()).content.decode()
    assert list(client.get(reverse("cases:case_list"), {"q": "to giac"}).context["object_list"]) == [denunciation]
    log = PersonalDataAccess.objects.values_list("user", "unit", "kind", "path")
    case_list = f"{reverse('cases:case_list')}?q=to+giac"
    assert list(log.order_by("pk")) == [
        (district_reviewer.pk, denunciation.unit_id, "view_identity", denunciation.get_absolute_url()),
        (district_reviewer.pk, denunciation.unit_id, "view_identity", case_list),  # the list shows it too
    ]


def test_search_ignores_diacritics(client, ward, ward_official):
    case = CaseFactory(unit=ward, summary="Khiếu nại việc thu hồi đất nông nghiệp", kind="complaint")
    CaseFactory(unit=ward, summary="Phản ánh tiếng ồn")
    client.force_login(ward_official)
    assert list(client.get(reverse("cases:case_list"), {"q": "thu hoi dat"}).context["object_list"]) == [case]


def test_case_list_costs_the_same_queries_for_1_or_60_cases(client, ward, ward_official, django_assert_max_num_queries):
    client.force_login(ward_official)
    filters = {"q": "khieu nai", "flag": ["mass", "prolonged"], "status": ["received"]}
    CaseFactory(unit=ward, complainant=CitizenFactory(unit=ward), people_count=9, summary="Khiếu nại")
    with django_assert_max_num_queries(12) as first:
        client.get(reverse("cases:case_list"), filters)
    for _ in range(60):
        CaseFactory(
            unit=ward, complainant=CitizenFactory(unit=ward), handler=ward_official, people_count=9, summary="Khiếu nại"
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("cases:case_list"), filters)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("cases:case_list"))
    assert response.context["paginator"].count == 61


def test_case_page_costs_a_fixed_number_of_queries(client, denunciation, ward_official, django_assert_max_num_queries):
    client.force_login(ward_official)
    with django_assert_max_num_queries(30) as first:
        client.get(denunciation.get_absolute_url())
    services.case_transition(user=ward_official, case=denunciation, move="classify", on=date(2026, 3, 2))
    services.case_transition(user=ward_official, case=denunciation, move="accept", on=date(2026, 3, 3))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(denunciation.get_absolute_url())


def test_overdue_and_due_soon_pages(client, ward, other_ward, ward_official):
    today = timezone.localdate()
    late = CaseFactory(unit=ward, due_on=today - timedelta(days=1))
    soon = CaseFactory(unit=ward, due_on=today + timedelta(days=2))
    CaseFactory(unit=ward, due_on=today + timedelta(days=40))
    CaseFactory(unit=ward, due_on=today - timedelta(days=3), status="closed")
    CaseFactory(unit=other_ward, due_on=today - timedelta(days=1))
    client.force_login(ward_official)
    assert list(client.get(reverse("cases:overdue")).context["object_list"]) == [late]
    assert list(client.get(reverse("cases:due_soon")).context["object_list"]) == [soon]


def test_flags_are_filters_and_explained(client, ward, ward_official, settings):
    settings.DELEGATION_THRESHOLD = 5
    today = timezone.localdate()
    mass = CaseFactory(unit=ward, people_count=8, received_on=today)
    old = CaseFactory(unit=ward, received_on=date(2024, 1, 10))
    CaseFactory(unit=ward, received_on=today)
    client.force_login(ward_official)
    assert list(client.get(reverse("cases:case_list"), {"flag": "mass"}).context["object_list"]) == [mass]
    assert list(client.get(reverse("cases:case_list"), {"flag": "backlogged"}).context["object_list"]) == [old]
    page = client.get(old.get_absolute_url()).context["page"]
    assert {flag.code for flag in page.flags} == {"backlogged", "prolonged"}
    assert "10/01/2024" in next(f.why for f in page.flags if f.code == "backlogged")


def test_a_move_without_the_right_is_refused_with_a_message(client, denunciation, ward_official):
    client.force_login(ward_official)
    response = client.post(reverse("cases:case_transition", args=[denunciation.pk, "conclude"]), {"outcome": "right"})
    assert response.status_code == 302
    assert Case.objects.get(pk=denunciation.pk).status == "received"


def test_a_move_through_the_page(client, denunciation, ward_official):
    client.force_login(ward_official)
    client.post(reverse("cases:case_transition", args=[denunciation.pk, "classify"]), {"on": "02/03/2026"})
    client.post(reverse("cases:case_transition", args=[denunciation.pk, "accept"]), {"on": "03/03/2026"})
    case = Case.objects.get(pk=denunciation.pk)
    assert case.status == "accepted" and case.accepted_on == date(2026, 3, 3)
    assert case.due_on == date(2026, 4, 2)


def test_another_ward_gets_404_on_the_case_and_its_actions(client, denunciation, other_ward_official):
    client.force_login(other_ward_official)
    assert client.get(denunciation.get_absolute_url()).status_code == 404
    assert client.post(reverse("cases:case_transition", args=[denunciation.pk, "classify"])).status_code == 404
    assert client.post(reverse("cases:case_void", args=[denunciation.pk]), {"reason": "x"}).status_code == 404


def test_duplicates_by_identity_number_across_units_show_details_only_in_scope(client, ward, other_ward, ward_official):
    mine = CitizenFactory(unit=ward, full_name="Lê Thị Hoa", national_id="001190123456")
    theirs = CitizenFactory(unit=other_ward, full_name="Lê Thị Hoa", national_id="001190123456")
    case = CaseFactory(unit=ward, complainant=mine, kind="complaint")
    sibling = CaseFactory(unit=ward, complainant=mine, kind="complaint", summary="Khiếu nại lần nữa")
    CaseFactory(unit=other_ward, complainant=theirs, kind="complaint")
    CaseFactory(unit=other_ward, complainant=theirs, kind="denunciation")
    client.force_login(ward_official)
    assert reverse("cases:case_duplicates", args=[case.pk]) in client.get(case.get_absolute_url()).content.decode()
    duplicates = client.get(reverse("cases:case_duplicates", args=[case.pk])).context["duplicates"]
    assert {(d.case, d.unit_name) for d in duplicates} == {(sibling, ward.name), (None, other_ward.name)}


def test_merge_names_the_case_that_goes_on_by_its_number(client, ward, other_ward, ward_official):
    kept = CaseFactory(unit=ward, number="7/2026")
    duplicate = CaseFactory(unit=ward, number="8/2026")
    elsewhere = CaseFactory(unit=other_ward, number="9/2026")
    client.force_login(ward_official)
    url = reverse("cases:case_merge", args=[duplicate.pk])
    for wrong in (elsewhere.number, "8/2026", "99/2026"):  # another unit's, itself, none
        response = client.post(url, {"into": wrong}, follow=True)
        assert "99/2026" not in wrong or "99/2026" in response.content.decode()
        duplicate.refresh_from_db()
        assert duplicate.merged_into_id is None
    client.post(url, {"into": " 7/2026 "})
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == kept.pk


def test_search_by_case_number_and_whole_words(client, ward, ward_official):
    complainant = CitizenFactory(unit=ward, full_name="Trần Thị Hoà")
    case = CaseFactory(unit=ward, number="123/2026", complainant=complainant, summary="Khiếu nại về ranh giới đất")
    CaseFactory(unit=ward, number="124/2026", summary="Kiến nghị sửa đường")
    Case.objects.filter(pk=case.pk).update(identity_text="tran thi hoa")  # as the intake services write it
    client.force_login(ward_official)

    def found(q):
        return {c.pk for c in client.get(reverse("cases:case_list"), {"q": q}).context["object_list"]}

    assert found("123/2026") == {case.pk}
    assert found("tran thi hoa ranh gioi") == {case.pk}
    assert found("hoa duong") == set()  # every word must appear in the same case
