"""Notifications (DESIGN §7): the daily sweep of deadlines and reception shortfalls, e-mails, and the user's list."""

from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.choices import CaseStatus
from overview.context_processors import notifications as notifications_context
from overview.models import Notification
from overview.notifications import (
    send_pending_emails,
    shortfall_month,
    sweep_deadlines,
    sweep_reception_shortfalls,
)
from overview.tasks import daily_sweep
from tests.factories import CaseFactory, ReceptionSessionFactory, UserFactory, user_with_role

TODAY = date(2026, 4, 15)


def keys_of(user) -> set[str]:
    return set(Notification.objects.filter(user=user).values_list("key", flat=True))


@pytest.fixture
def handler(ward):
    return user_with_role(ward, Role.WARD_OFFICIAL)


def test_sweep_notifies_the_handler_and_the_units_officials_of_overdue_and_due_soon_cases(
    ward, other_ward, ward_official, other_ward_official, district_reviewer, handler
):
    overdue = CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, due_on=TODAY - timedelta(days=1), handler=handler)
    due_soon = CaseFactory(
        unit=ward, status=CaseStatus.VERIFYING, due_on=TODAY + timedelta(days=settings.DUE_SOON_DAYS)
    )
    CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, due_on=TODAY + timedelta(days=settings.DUE_SOON_DAYS + 1))
    elsewhere = CaseFactory(unit=other_ward, status=CaseStatus.RECEIVED, due_on=TODAY)

    # Two reminders for the ward's two officials (the handler is one of them), one for the other ward's official.
    assert sweep_deadlines(today=TODAY) == 2 + 2 + 1

    ward_keys = {
        f"case-due:{overdue.pk}:{overdue.due_on.isoformat()}:overdue",
        f"case-due:{due_soon.pk}:{due_soon.due_on.isoformat()}:due-soon",
    }
    assert keys_of(ward_official) == ward_keys
    assert keys_of(handler) == ward_keys
    assert keys_of(other_ward_official) == {f"case-due:{elsewhere.pk}:{TODAY.isoformat()}:due-soon"}
    assert keys_of(district_reviewer) == set(), "a reviewer has no CHANGE right: not reminded"
    note = Notification.objects.get(user=ward_official, key__endswith=":overdue")
    assert overdue.number in note.message
    assert "14/04/2026" in note.message
    assert note.url == overdue.get_absolute_url()


def test_the_handler_of_another_unit_is_reminded_without_the_officials_of_other_units(
    ward, other_ward, other_ward_official
):
    outside_handler = user_with_role(other_ward)
    case = CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, due_on=TODAY, handler=outside_handler)
    sweep_deadlines(today=TODAY)
    assert keys_of(outside_handler) == {f"case-due:{case.pk}:{TODAY.isoformat()}:due-soon"}
    assert keys_of(other_ward_official) == set()


def test_a_rerun_the_same_day_creates_nothing_and_a_later_day_only_what_changed(ward, ward_official):
    case = CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, due_on=TODAY + timedelta(days=1))
    assert sweep_deadlines(today=TODAY) == 1
    assert sweep_deadlines(today=TODAY) == 0
    assert sweep_deadlines(today=TODAY + timedelta(days=1)) == 0, "still the same due-soon reminder"
    assert sweep_deadlines(today=TODAY + timedelta(days=2)) == 1, "now overdue: reminded once"
    assert sweep_deadlines(today=TODAY + timedelta(days=3)) == 0
    case.due_on = TODAY + timedelta(days=20)  # extended
    case.save(update_fields=["due_on"])
    assert sweep_deadlines(today=TODAY + timedelta(days=16)) == 1, "the new due date is reminded afresh"
    assert Notification.objects.filter(user=ward_official).count() == 3


@pytest.mark.parametrize(
    "attrs",
    [
        {"status": CaseStatus.CLOSED},
        {"status": CaseStatus.CONCLUDED},
        {"status": CaseStatus.TRANSFERRED},
        {"status": CaseStatus.ACCEPTED, "is_void": True},
        {"status": CaseStatus.ACCEPTED, "due_on": None},
    ],
    ids=["closed", "concluded", "transferred", "void", "no-deadline"],
)
def test_closed_void_and_undated_cases_are_ignored(ward, ward_official, attrs):
    CaseFactory(unit=ward, **{"due_on": TODAY - timedelta(days=3), **attrs})
    assert sweep_deadlines(today=TODAY) == 0


def test_merged_duplicates_are_ignored(ward, ward_official):
    kept = CaseFactory(unit=ward, status=CaseStatus.ACCEPTED)
    CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, due_on=TODAY, merged_into=kept)
    assert sweep_deadlines(today=TODAY) == 0


def test_the_deadline_sweep_costs_the_same_queries_for_one_case_or_many(ward, other_ward, ward_official):
    CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, due_on=TODAY)
    with CaptureQueriesContext(connection) as one:
        sweep_deadlines(today=TODAY)
    Notification.objects.all().delete()
    for unit in (ward, other_ward, ward, other_ward):
        CaseFactory(
            unit=unit, status=CaseStatus.ACCEPTED, due_on=TODAY - timedelta(days=2), handler=user_with_role(unit)
        )
    with CaptureQueriesContext(connection) as many:
        assert sweep_deadlines(today=TODAY) > 5
    assert len(many) == len(one) <= 5


def test_emails_are_sent_once_to_users_with_an_address(ward, ward_official):
    ward_official.email = "canbo@example.gov.vn"
    ward_official.save(update_fields=["email"])
    no_address = user_with_role(ward)
    CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, due_on=TODAY - timedelta(days=1))
    CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, due_on=TODAY + timedelta(days=1))
    sweep_deadlines(today=TODAY)

    assert send_pending_emails() == 1
    assert send_pending_emails() == 0
    assert len(mail.outbox) == 1, "one digest for both reminders, and only once"
    message = mail.outbox[0]
    assert message.to == ["canbo@example.gov.vn"]
    assert message.body.count("- ") == 2
    assert not Notification.objects.filter(user=ward_official, emailed_at__isnull=True).exists()
    assert not Notification.objects.filter(user=no_address, emailed_at__isnull=False).exists()


def _in_person(ward, official, day: date, head: str = "party_secretary"):
    tz = timezone.get_current_timezone()
    return ReceptionSessionFactory(
        unit=ward,
        created_by=official,
        kind="periodic",
        head_position=head,
        head_in_person=True,
        starts_at=datetime(day.year, day.month, day.day, 8, tzinfo=tz),
    )


def test_shortfall_notifies_the_ward_whose_secretary_received_on_one_day_only(
    ward, other_ward, ward_official, other_ward_official
):
    march = date(2026, 3, 1)
    _in_person(ward, ward_official, date(2026, 3, 3))
    _in_person(ward, ward_official, date(2026, 3, 3))  # same day: still one day
    _in_person(other_ward, other_ward_official, date(2026, 3, 3))
    _in_person(other_ward, other_ward_official, date(2026, 3, 17))

    assert sweep_reception_shortfalls(month=march) > 0
    key = f"reception-shortfall:{ward.pk}:party_secretary:2026-03"
    assert key in keys_of(ward_official)
    note = Notification.objects.get(user=ward_official, key=key)
    assert ward.name in note.message and "03/2026" in note.message
    assert note.url == reverse("citizens:duty_compliance") + "?month=2026-03&shortfall=1"
    assert f"reception-shortfall:{other_ward.pk}:party_secretary:2026-03" not in keys_of(other_ward_official)
    assert all(key.split(":")[1] == str(other_ward.pk) for key in keys_of(other_ward_official))
    assert sweep_reception_shortfalls(month=march) == 0


def test_a_month_is_judged_once_its_last_week_has_ended():
    assert shortfall_month(date(2026, 4, 7)) == date(2026, 2, 1)
    assert shortfall_month(date(2026, 4, 8)) == date(2026, 3, 1)
    assert shortfall_month(date(2026, 1, 20)) == date(2025, 12, 1)


def test_the_daily_task_runs_end_to_end_and_twice_sends_nothing_twice(ward, ward_official, handler):
    handler.email = "xuly@example.gov.vn"
    handler.save(update_fields=["email"])
    today = timezone.localdate()
    CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, due_on=today - timedelta(days=1), handler=handler)

    first = daily_sweep.delay().get()
    assert first["deadlines"] == 2 and first["emails"] == 1
    assert first["shortfalls"] >= 1, "the ward's heads held no session last month"
    count = Notification.objects.count()

    second = daily_sweep.delay().get()
    assert second == {"deadlines": 0, "shortfalls": 0, "submissions": 0, "emails": 0}
    assert Notification.objects.count() == count
    assert len(mail.outbox) == 1


def test_a_missed_morning_sweep_is_caught_up_later_in_the_day_once(ward, handler, settings):
    """The broker was down at 06:30: beat's run never reached a worker. The first catch-up after it is back runs
    the sweep; the next ones (and those after a morning run that did happen) do nothing."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sweep"}}
    from django.core.cache import cache

    from overview.tasks import daily_sweep_catch_up

    cache.clear()
    CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, due_on=timezone.localdate(), handler=handler)
    assert daily_sweep_catch_up.delay().get() is True
    assert Notification.objects.filter(user=handler).exists()
    assert daily_sweep_catch_up.delay().get() is False
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "overview.daily_sweep_catch_up")
    assert 7 in entry["schedule"].hour and 17 in entry["schedule"].hour


def test_the_daily_task_is_scheduled_every_morning():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "overview.daily_sweep")
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {30}
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"


def _notify(user, key: str, url: str = "/org/", **kwargs) -> Notification:
    return Notification.objects.create(user=user, key=key, message=f"Thông báo {key}", url=url, **kwargs)


def test_the_list_shows_only_own_notifications_unread_first(client, ward_official, other_ward_official):
    read = _notify(ward_official, "read", read_at=timezone.now())
    unread = _notify(ward_official, "unread")
    _notify(other_ward_official, "theirs")
    client.force_login(ward_official)
    response = client.get(reverse("overview:notifications"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [unread, read]
    assert "Thông báo theirs" not in response.content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, ward_official):
    notification = _notify(ward_official, "open", url="/reception/duty/?month=2026-03")
    client.force_login(ward_official)
    url = reverse("overview:notification_read", kwargs={"pk": notification.pk})
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/reception/duty/?month=2026-03"
    notification.refresh_from_db()
    first_read = notification.read_at
    assert first_read is not None
    client.post(url)
    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_a_notification_pointing_off_site_goes_back_to_the_list(client, ward_official):
    notification = _notify(ward_official, "off-site", url="https://example.com/")
    client.force_login(ward_official)
    response = client.post(reverse("overview:notification_read", kwargs={"pk": notification.pk}))
    assert response["Location"] == reverse("overview:notifications")


def test_another_users_notification_is_not_found(client, ward_official, other_ward_official):
    theirs = _notify(other_ward_official, "theirs")
    client.force_login(ward_official)
    assert client.post(reverse("overview:notification_read", kwargs={"pk": theirs.pk})).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_costs_the_same_queries_for_few_or_many(client, ward_official):
    client.force_login(ward_official)
    _notify(ward_official, "one")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("overview:notifications"))
    for n in range(20):
        _notify(ward_official, f"many-{n}", read_at=timezone.now() if n % 2 else None)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("overview:notifications"))
    assert len(many) == len(few)


def test_the_unread_badge_costs_one_query_and_nothing_for_visitors(
    rf: RequestFactory, client, ward_official, django_assert_num_queries
):
    _notify(ward_official, "a")
    _notify(ward_official, "b")
    _notify(ward_official, "c", read_at=timezone.now())
    _notify(UserFactory(), "someone else's")
    request = rf.get("/")
    request.user = ward_official
    context = notifications_context(request)
    with django_assert_num_queries(1):
        assert str(context["unread_notification_count"]) == "2"
        assert context["unread_notification_count"]
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications_context(request) == {}

    client.force_login(ward_official)
    page = client.get(reverse("overview:notifications")).content.decode()
    assert f'href="{reverse("overview:notifications")}"' in page and "(2<span" in page
