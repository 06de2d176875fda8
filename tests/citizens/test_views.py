from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import PersonalDataAccess
from cases.models import Case
from citizens.models import Citizen, ReceptionSession, Visit
from tests.factories import CitizenFactory, ReceptionSessionFactory, VisitFactory, field


def visit_post(**overrides):
    data = {
        "new_full_name": "Nguyễn Văn An",
        "new_national_id": "001090001234",
        "new_phone": "0912345678",
        "new_address": "Số 5 Đội Cấn",
        "people_count": "1",
        "content": "Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
        "content_kind": "",
        "field": str(field().pk),
        "outcome": "guided",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_ward_official_records_a_session_in_the_browser_form(client, ward, ward_official):
    client.force_login(ward_official)
    starts = timezone.localtime() - timedelta(hours=1)
    response = client.post(
        reverse("citizens:session_create"),
        {
            "unit": ward.pk,
            "status": "held",
            "kind": "periodic",
            "mode": "direct",
            "starts_at": starts.strftime("%d/%m/%Y %H:%M"),
            "place": "Trụ sở tiếp công dân phường",
            "head_position": "party_secretary",
            "head_in_person": "on",
            "host_name": "Đồng chí Bí thư Đảng ủy phường",
        },
    )
    session = ReceptionSession.objects.get()
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    assert session.head_in_person and session.unit == ward
    assert session.history.get().history_user == ward_official


def test_a_future_held_session_is_refused_with_a_message_next_to_the_date(client, ward, ward_official):
    client.force_login(ward_official)
    response = client.post(
        reverse("citizens:session_create"),
        {
            "unit": ward.pk,
            "status": "held",
            "kind": "regular",
            "mode": "direct",
            "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%d/%m/%Y %H:%M"),
            "place": "Trụ sở",
            "host_name": "Cán bộ",
        },
    )
    assert response.status_code == 200
    assert "Buổi tiếp đã tổ chức không thể có ngày giờ trong tương lai" in response.content.decode()
    assert response.context["form"].errors["starts_at"]
    assert not ReceptionSession.objects.exists()


def test_the_unit_list_of_the_session_form_is_scoped(client, ward, other_ward, ward_official):
    client.force_login(ward_official)
    form = client.get(reverse("citizens:session_create")).context["form"]
    assert list(form.fields["unit"].queryset) == [ward]


def test_three_visits_one_a_delegation_one_a_case_show_on_the_session(
    client, session, ward_official, steering_member, other_ward_official
):
    client.force_login(ward_official)
    url = reverse("intake:visit_create", args=[session.pk])
    client.post(url, visit_post(), HTTP_HX_REQUEST="true")
    response = client.post(
        url,
        visit_post(new_full_name="Đại diện hộ dân ngõ 12", new_national_id="001085000777", people_count="7"),
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Retarget"] == "#session-visits"
    client.post(
        url,
        visit_post(
            new_national_id="001075000888",
            new_full_name="Phạm Văn Dũng",
            outcome="letter_received",
            content_kind="complaint",
        ),
    )
    page = client.get(session.get_absolute_url())
    totals = page.context["page"].totals
    assert (totals["visits"], totals["people"], totals["delegations"], totals["cases"]) == (3, 9, 1, 1)
    case = Case.objects.get()
    assert case.get_absolute_url() in page.content.decode()

    client.force_login(steering_member)
    assert client.get(session.get_absolute_url()).status_code == 200
    client.force_login(other_ward_official)
    assert client.get(session.get_absolute_url()).status_code == 404
    assert client.get(case.get_absolute_url()).status_code == 404


def test_bad_visit_input_is_reported_next_to_the_fields_and_nothing_is_saved(client, session, ward_official):
    client.force_login(ward_official)
    response = client.post(
        reverse("intake:visit_create", args=[session.pk]),
        visit_post(new_national_id="999123", people_count="3", is_mass_delegation="on"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "new_national_id" in errors
    assert "12 chữ số" in str(errors["new_national_id"])
    assert not Visit.objects.exists() and not Citizen.objects.exists()

    response = client.post(
        reverse("intake:visit_create", args=[session.pk]),
        visit_post(people_count="3", is_mass_delegation="on"),
        HTTP_HX_REQUEST="true",
    )
    assert "is_mass_delegation" in response.context["form"].errors
    assert not Visit.objects.exists() and not Citizen.objects.exists()


def test_zero_people_is_an_error(client, session, ward_official):
    client.force_login(ward_official)
    response = client.post(reverse("intake:visit_create", args=[session.pk]), visit_post(people_count="0"))
    assert "people_count" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_an_impossible_province_code_is_refused(client, session, ward_official):
    client.force_login(ward_official)
    response = client.post(
        reverse("intake:visit_create", args=[session.pk]), visit_post(new_national_id="003090001234")
    )
    assert "new_national_id" in response.context["form"].errors


def test_citizen_lookup_ignores_diacritics_and_stays_in_scope(client, ward, other_ward, ward_official):
    mine = CitizenFactory(unit=ward, full_name="Nguyễn Văn An")
    CitizenFactory(unit=other_ward, full_name="Nguyễn Văn An")
    client.force_login(ward_official)
    response = client.get(reverse("citizens:citizen_lookup"), {"q": "nguyen van an"})
    assert list(response.context["object_list"]) == [mine]


def test_a_denouncers_identity_is_masked_without_the_right_and_logged_with_it(
    client, session, ward_official, district_reviewer
):
    citizen = CitizenFactory(unit=session.unit, full_name="Hoàng Văn Tố")
    VisitFactory(session=session, citizen=citizen, content_kind="denunciation", content="Tố cáo cán bộ nhận tiền")
    client.force_login(ward_official)
    content = client.get(session.get_absolute_url()).content.decode()
    assert "Hoàng Văn Tố" not in content
    assert not PersonalDataAccess.objects.exists()
    # Known only as a denouncer: not in the register for this user (accounts/confidentiality.py).
    assert client.get(reverse("citizens:citizen_detail", args=[citizen.pk])).status_code == 404

    client.force_login(district_reviewer)
    assert "Hoàng Văn Tố" in client.get(session.get_absolute_url()).content.decode()
    log = PersonalDataAccess.objects.get()
    assert log.user == district_reviewer and log.unit == session.unit


def test_session_list_costs_the_same_queries_for_1_or_40_sessions(
    client, ward, ward_official, django_assert_max_num_queries
):
    client.force_login(ward_official)
    VisitFactory(session=ReceptionSessionFactory(unit=ward, created_by=ward_official))
    with django_assert_max_num_queries(12) as first:
        client.get(reverse("citizens:session_list"))
    for _ in range(40):
        VisitFactory(session=ReceptionSessionFactory(unit=ward, created_by=ward_official))
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("citizens:session_list"))
    assert response.context["paginator"].count == 41


def test_session_page_costs_the_same_queries_for_1_or_12_visits(
    client, session, ward_official, django_assert_max_num_queries
):
    client.force_login(ward_official)
    VisitFactory(session=session)
    with django_assert_max_num_queries(20) as first:
        client.get(session.get_absolute_url())
    for _ in range(11):
        VisitFactory(session=session, people_count=2)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(session.get_absolute_url())


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"hosted": "in_person"}, {"in person"}),
        ({"hosted": "delegated"}, {"delegated"}),
        ({"has_delegation": "true"}, {"mass"}),
    ],
)
def test_session_filters(client, ward, ward_official, filters, expected):
    sessions = {
        "in person": ReceptionSessionFactory(
            unit=ward, created_by=ward_official, head_position="party_secretary", head_in_person=True
        ),
        "delegated": ReceptionSessionFactory(unit=ward, created_by=ward_official, head_position="pc_chairman"),
        "mass": ReceptionSessionFactory(unit=ward, created_by=ward_official),
    }
    VisitFactory(session=sessions["mass"], people_count=8, is_mass_delegation=True)
    client.force_login(ward_official)
    listed = set(client.get(reverse("citizens:session_list"), filters).context["object_list"])
    assert listed == {sessions[key] for key in expected}


def test_the_compliance_page_flags_a_secretary_who_received_on_one_day_only(client, ward, ward_official):
    tz = timezone.get_current_timezone()
    for day in (3, 3):  # two sessions, but on the same day: one day
        ReceptionSessionFactory(
            unit=ward,
            created_by=ward_official,
            kind="periodic",
            head_position="party_secretary",
            head_in_person=True,
            starts_at=datetime(2026, 3, day, 8, tzinfo=tz),
        )
    client.force_login(ward_official)
    response = client.get(reverse("citizens:duty_compliance"), {"month": "2026-03"})
    rows = {row.rule.head_position: row for row in response.context["rows"] if row.unit == ward}
    assert rows["party_secretary"].days == 1 and not rows["party_secretary"].met
    assert "Chưa đạt" in response.content.decode()


def test_the_schedule_lists_upcoming_sessions_in_scope(client, ward, other_ward, ward_official):
    upcoming = ReceptionSessionFactory(
        unit=ward, created_by=ward_official, status="scheduled", starts_at=timezone.now() + timedelta(days=5)
    )
    ReceptionSessionFactory(
        unit=other_ward, created_by=ward_official, status="scheduled", starts_at=timezone.now() + timedelta(days=5)
    )
    client.force_login(ward_official)
    assert list(client.get(reverse("citizens:schedule")).context["object_list"]) == [upcoming]
