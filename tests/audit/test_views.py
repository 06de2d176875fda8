"""The audit log (changes to users, roles, units and rules with security events) and the personal data access
log: who may read them, what they show, filters, and a fixed number of queries per page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import PersonalDataAccess, RoleAssignment, SecurityEvent
from accounts.roles import Role
from audit.feed import audit_log_keys, audit_log_page
from cases.models import CaseField, DeadlineRule, Holiday
from citizens.models import ReceptionDutyRule
from core.services import save_with_history
from organizations.models import RatingRegulation
from tests.factories import UserFactory, user_with_role


@pytest.fixture
def administrator(city):
    return user_with_role(city, Role.ADMINISTRATOR)


def _change_every_kind(actor, unit, number: int) -> None:
    """One change of each kind the audit log shows, made by `actor`."""
    user = UserFactory(username=f"moi{number}")
    user.job_title = f"Chuyên viên {number}"
    save_with_history(user, user=actor)
    assignment = RoleAssignment.objects.create(user=user, unit=unit, role=Role.WARD_OFFICIAL)
    assignment.may_see_identity = True
    save_with_history(assignment, user=actor)
    for model in (CaseField, DeadlineRule, ReceptionDutyRule, RatingRegulation):
        row = model.objects.order_by("pk")[number % model.objects.count()]
        # django-simple-history's way to name the author of the change; no model declares the attribute.
        row._history_user = actor  # type: ignore[union-attr]
        row.save()
    holiday = Holiday.objects.order_by("pk")[number % Holiday.objects.count()]
    holiday.name = f"{holiday.name}."
    save_with_history(holiday, user=actor)
    unit.name = f"{unit.name}."
    save_with_history(unit, user=actor)
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOGIN_FAILED, username=f"doan{number}", ip_address="10.1.1.1")


def test_only_city_wide_administrators_and_steering_members_read_the_audit_log(
    client, administrator, steering_member, ward, ward_official, district_reviewer
):
    url = reverse("audit:audit_log")
    for reader in (administrator, steering_member):
        client.force_login(reader)
        assert client.get(url).status_code == 200
    ward_administrator = user_with_role(ward, Role.ADMINISTRATOR)
    for refused in (ward_official, district_reviewer, ward_administrator):
        client.force_login(refused)
        assert client.get(url).status_code == 403


def test_the_audit_log_shows_who_changed_what_old_and_new(client, administrator, ward):
    member = UserFactory(username="canbo.moi", full_name="Vũ Thị Lan")
    assignment = RoleAssignment.objects.create(user=member, unit=ward, role=Role.WARD_OFFICIAL)
    assignment.role = Role.DISTRICT_REVIEWER
    save_with_history(assignment, user=administrator)
    rule = DeadlineRule.objects.order_by("pk").first()
    save_with_history(rule, user=administrator)  # seeded rows have no history: this is their first version
    old_days = rule.days
    rule.days = old_days + 5
    save_with_history(rule, user=administrator)

    client.force_login(administrator)
    content = client.get(reverse("audit:audit_log")).content.decode()
    assert f"{Role.WARD_OFFICIAL.label}</del> → <ins>{Role.DISTRICT_REVIEWER.label}" in content
    assert f"<del>{old_days}</del> → <ins>{old_days + 5}</ins>" in content
    assert "Vũ Thị Lan" in content  # the role assignment is named after its holder


def test_sign_ins_and_failures_appear_in_the_audit_log(client, administrator, ward_official):
    client.post(reverse("accounts:login"), {"username": ward_official.username, "password": "sai"})
    client.force_login(administrator)
    response = client.get(reverse("audit:audit_log"), {"kind": "security"})
    entries = response.context["entries"]
    kinds = [entry["action"] for entry in entries]
    assert str(SecurityEvent.Kind.LOGIN_FAILED.label) in kinds
    assert str(SecurityEvent.Kind.LOGIN.label) in kinds  # the administrator's own sign-in
    assert all(entry["kind"] == "security" for entry in entries)


def test_filters_by_kind_date_and_who(administrator, ward):
    other = UserFactory(username="nguoi.khac", full_name="Đinh Văn Khác")
    rule = CaseField.objects.order_by("pk").first()
    rule.name = f"{rule.name} (sửa)"
    save_with_history(rule, user=other)
    holiday = Holiday.objects.order_by("pk").first()
    holiday.name = f"{holiday.name} (sửa)"
    save_with_history(holiday, user=administrator)

    by_other = audit_log_page(list(audit_log_keys(who="khác")[:50]))
    assert [entry["user"] for entry in by_other] == [other]
    holidays = audit_log_page(list(audit_log_keys(kind="holidays", who=administrator.username)[:50]))
    assert [entry["object"] for entry in holidays] == [str(holiday)]
    today = timezone.localdate()
    # Narrowed to this test's author: a test that commits re-seeds the reference tables, writing history rows of
    # its own that would otherwise be counted here when it ran first in the same process.
    assert audit_log_keys(kind="case_fields", who=other.username, since=today, until=today).count() == 1
    assert not audit_log_keys(kind="case_fields", who=other.username, until=today - timedelta(days=1)).exists()
    assert not audit_log_keys(kind="case_fields", who=other.username, since=today + timedelta(days=1)).exists()


def test_an_audit_page_costs_the_same_queries_for_few_or_many_entries(
    client, administrator, ward, django_assert_max_num_queries
):
    _change_every_kind(administrator, ward, 1)
    client.force_login(administrator)
    url = reverse("audit:audit_log")
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for number in range(2, 12):
        _change_every_kind(administrator, ward, number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["entries"]) == 50
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"page": 2}).status_code == 200


def test_personal_data_accesses_are_shown_only_for_units_in_the_readers_scope(
    client, ward, other_ward, ward_official, other_ward_official, district_reviewer, steering_member
):
    mine = PersonalDataAccess.objects.create(
        user=ward_official, kind=PersonalDataAccess.Kind.EXPORT, unit=ward, record="Danh sách vụ việc (CSV)"
    )
    theirs = PersonalDataAccess.objects.create(
        user=other_ward_official,
        kind=PersonalDataAccess.Kind.VIEW_IDENTITY,
        unit=other_ward,
        record="Vụ việc 2026/0007",
    )
    url = reverse("audit:personal_data_log")

    client.force_login(district_reviewer)  # may see identities in the ward
    response = client.get(url)
    assert list(response.context["object_list"]) == [mine]
    assert other_ward.name not in response.content.decode()

    client.force_login(steering_member)  # audits the whole city
    assert set(client.get(url).context["object_list"]) == {mine, theirs}

    client.force_login(ward_official)  # neither right
    assert client.get(url).status_code == 403


def test_personal_data_log_filters(client, ward, ward_official, district_reviewer):
    PersonalDataAccess.objects.create(
        user=ward_official, kind=PersonalDataAccess.Kind.EXPORT, unit=ward, record="Xuất danh sách"
    )
    viewed = PersonalDataAccess.objects.create(
        user=district_reviewer, kind=PersonalDataAccess.Kind.VIEW_IDENTITY, unit=ward, record="Vụ việc 1"
    )
    client.force_login(district_reviewer)
    url = reverse("audit:personal_data_log")
    assert list(client.get(url, {"kind": "view_identity"}).context["object_list"]) == [viewed]
    assert list(client.get(url, {"who": district_reviewer.username}).context["object_list"]) == [viewed]
    assert len(client.get(url, {"unit": ward.pk}).context["object_list"]) == 2
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert not client.get(url, {"date_from": tomorrow}).context["object_list"]


def test_personal_data_log_costs_the_same_queries_for_few_or_many_rows(
    client, ward, ward_official, district_reviewer, django_assert_max_num_queries
):
    def accesses(count):
        PersonalDataAccess.objects.bulk_create(
            PersonalDataAccess(user=ward_official, kind="export", unit=ward, record=f"Xuất {n}") for n in range(count)
        )

    accesses(1)
    client.force_login(district_reviewer)
    url = reverse("audit:personal_data_log")
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    accesses(80)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["object_list"]) == 50
