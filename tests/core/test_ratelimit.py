"""Rate limits (core/ratelimit.py): login POSTs per client address and per user name, exports per user; the
request after the limit gets a 429 page in the user's language."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.ratelimit import Limit, axes_client_ip, client_ip, hit
from reports.models import Report

TOO_MANY = _("Too many requests")


def test_limits_are_read_as_count_per_seconds():
    assert Limit.parse("30/600") == Limit(count=30, seconds=600)
    assert Limit.parse("5") == Limit(count=5, seconds=60)


def test_the_request_after_the_limit_is_refused_until_the_window_ends(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "3/60"}
    assert [hit("export", "user:1") for _ in range(4)] == [True, True, True, False]
    assert hit("export", "user:2")  # another key has its own count


def test_login_posts_are_limited_per_user_name(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-username": "3/60"}
    url = reverse("accounts:login")
    for number in range(3):
        response = client.post(url, {"username": "canbo", "password": "sai"}, REMOTE_ADDR=f"10.0.0.{number}")
        assert response.status_code == 200
    response = client.post(url, {"username": "CanBo", "password": "sai"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert response["Retry-After"] == "60"
    assert client.post(url, {"username": "khac", "password": "sai"}).status_code == 200


def test_login_posts_are_limited_per_client_address(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-ip": "3/60"}
    url = reverse("accounts:login")
    for number in range(3):
        assert client.post(url, {"username": f"user{number}", "password": "sai"}).status_code == 200
    assert client.post(url, {"username": "user9", "password": "sai"}).status_code == 429
    assert client.get(url).status_code == 200  # the page itself still opens


def test_the_client_address_behind_trusted_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # what our proxy saw, not what the client wrote


@pytest.fixture
def report(ward, ward_official):
    return Report.objects.create(
        unit=ward,
        period_kind="half_year",
        year=2026,
        start=date(2025, 12, 15),
        end=date(2026, 6, 14),
        status="done",
        figures={"sections": []},
        requested_by=ward_official,
    )


def test_report_downloads_are_limited_per_user(client, settings, report, ward_official, ward):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/600"}
    client.force_login(ward_official)
    url = reverse("reports:report_export", kwargs={"pk": report.pk, "format": "xlsx"})
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    response = client.get(url)
    assert response.status_code == 429
    wait = ngettext(
        "You have made this request too many times in a short while. Please wait a minute and try again.",
        "You have made this request too many times in a short while. Please wait %(minutes)s minutes and try again.",
        10,
    ) % {"minutes": 10}
    assert wait in response.content.decode()


def test_case_exports_and_the_weak_list_share_the_export_limit(client, settings, ward_official):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/600"}
    client.force_login(ward_official)
    export = reverse("cases:export_create")
    assert client.post(export, {"format": "csv", "query": ""}).status_code == 302
    assert client.post(export, {"format": "csv", "query": ""}).status_code == 302
    assert client.get(export).status_code == 200  # the list of one's exports is not counted
    assert client.post(export, {"format": "csv", "query": ""}).status_code == 429
    assert client.get(reverse("organizations:weak_list_export")).status_code == 429


def test_axes_gets_no_address_rather_than_an_invalid_one(rf):
    request = rf.get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) == "unknown"  # a rate-limit key
    assert axes_client_ip(request) is None  # axes stores it in an address column
