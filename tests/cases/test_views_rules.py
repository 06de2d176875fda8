"""Case-page rules that the page and the service must answer alike (one home per rule, issue #14)."""

from django.urls import reverse

from cases.models import Case
from tests.cases.test_services import concluded_complaint, open_second_time
from tests.factories import CitizenFactory


def test_the_case_page_offers_a_second_time_complaint_only_where_the_service_allows_one(
    client, ward, ward_official, district_reviewer
):
    citizen = CitizenFactory(unit=ward, full_name="Lê Văn Khiếu")
    first = concluded_complaint(ward_official, district_reviewer, ward, citizen)
    second_time_url = reverse("cases:case_second_time", kwargs={"pk": first.pk})
    client.force_login(ward_official)
    assert second_time_url in client.get(first.get_absolute_url()).content.decode()

    second = concluded_complaint(
        ward_official, district_reviewer, ward, citizen, case=open_second_time(ward_official, first)
    )
    # The decision has its second-time complaint; that one is not complained about again.
    assert second_time_url not in client.get(first.get_absolute_url()).content.decode()
    page = client.get(second.get_absolute_url()).content.decode()
    assert reverse("cases:case_second_time", kwargs={"pk": second.pk}) not in page
    response = client.post(
        reverse("cases:case_second_time", kwargs={"pk": second.pk}),
        {"received_on": "2026-04-22", "summary": "Lần ba"},
    )
    assert response.status_code == 302
    assert not Case.objects.filter(previous_case=second).exists()


def test_lifting_a_flag_twice_from_the_page_is_refused_and_the_flag_designated_since_stays(
    client, ward, ward_official, district_reviewer
):
    from cases import services

    case = concluded_complaint(ward_official, district_reviewer, ward, CitizenFactory(unit=ward))
    first = services.case_designate(user=district_reviewer, case=case, kind="focus", reason="Chỉ đạo quý I")
    client.force_login(district_reviewer)
    lift = reverse("cases:designation_lift", kwargs={"pk": first.pk})
    assert [m.level_tag for m in client.post(lift, follow=True).context["messages"]] == ["success"]
    services.case_designate(user=district_reviewer, case=case, kind="focus", reason="Chỉ đạo quý II")
    # A second tab still showing the old "Lift" button.
    response = client.post(lift, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Case.objects.get(pk=case.pk).is_focus
