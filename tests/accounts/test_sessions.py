"""Sessions end after SESSION_IDLE_TIMEOUT minutes without a request and SESSION_COOKIE_AGE seconds after sign-in;
the login page says why. The clock is moved by setting the session's timestamps back."""

import time

from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import SecurityEvent
from accounts.signals import SEEN_AT, SIGNED_IN_AT


def _shift(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


def test_an_idle_session_is_signed_out_and_the_login_page_says_why(client, ward_official, settings):
    settings.SESSION_IDLE_TIMEOUT = 30
    client.force_login(ward_official)
    home = reverse("overview:home")
    assert client.get(home).status_code == 200
    _shift(client, seen_at=31 * 60)

    response = client.get(home)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert SESSION_KEY not in client.session
    login_page = client.get(response.url).content.decode()
    message = _("Your session has expired after {minutes} minutes without activity. Please sign in again.")
    assert message.format(minutes=30) in login_page
    event = SecurityEvent.objects.filter(user=ward_official).latest("at")
    assert event.kind == SecurityEvent.Kind.SESSION_EXPIRED


def test_activity_keeps_the_session_open(client, ward_official, settings):
    settings.SESSION_IDLE_TIMEOUT = 30
    client.force_login(ward_official)
    _shift(client, seen_at=29 * 60)
    assert client.get(reverse("overview:home")).status_code == 200
    assert time.time() - client.session[SEEN_AT] < 5  # the request moved "last seen" forward
    assert client.get(reverse("overview:home")).status_code == 200


def test_a_session_ends_at_its_absolute_age_even_when_active(client, ward_official, settings):
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    client.force_login(ward_official)
    _shift(client, signed_in_at=8 * 60 * 60 + 1, seen_at=10)
    response = client.get(reverse("overview:home"))
    assert response.url.startswith(reverse("accounts:login"))
    login_page = client.get(response.url).content.decode()
    message = _("Your session has expired: it is more than {hours} hours since you signed in. Please sign in again.")
    assert message.format(hours=8) in login_page


def test_an_expired_htmx_request_reloads_the_whole_page_on_the_login_page(client, ward_official):
    client.force_login(ward_official)
    _shift(client, seen_at=24 * 60 * 60)
    response = client.get(reverse("overview:notifications"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_sign_in_and_sign_out_are_logged(client, ward_official):
    client.post(reverse("accounts:login"), {"username": ward_official.username, "password": "Mat-khau-2026"})
    assert {SIGNED_IN_AT, SEEN_AT} <= set(client.session.keys())
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": ward_official.username, "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "nobody-here", "password": "wrong"})
    kinds = list(SecurityEvent.objects.order_by("at", "pk").values_list("kind", "user", "username"))
    assert kinds == [
        (SecurityEvent.Kind.LOGIN, ward_official.pk, ""),
        (SecurityEvent.Kind.LOGOUT, ward_official.pk, ""),
        (SecurityEvent.Kind.LOGIN_FAILED, ward_official.pk, ward_official.username),
        (SecurityEvent.Kind.LOGIN_FAILED, None, "nobody-here"),
    ]
