"""Second factor in the browser: a steering committee member sets up an authenticator app at the first sign-in
(the QR code must display under the Content-Security-Policy) and is asked for a code at the next one."""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _code(key_hex: str, steps_ahead: int = 0) -> str:
    return f"{TOTP(bytes.fromhex(key_hex), drift=steps_ahead).token():06d}"


def test_a_steering_member_sets_up_and_then_uses_an_authenticator_app(page, live_server, settings, steering_member):
    from base64 import b32decode

    settings.OTP_REQUIRED_FOR_PRIVILEGED = True
    login(page, live_server, steering_member)
    assert reverse("accounts:two_factor_setup") in page.url
    assert page.eval_on_selector("main img", "img => img.complete && img.naturalWidth > 0"), "QR code not shown"
    shot(page, "2fa-setup")
    key = b32decode(page.inner_text("#otp-secret").replace(" ", "")).hex()
    page.fill("#id_code", _code(key))
    with page.expect_navigation():
        page.click("main form:not([action]) button[type=submit]")
    assert page.url.rstrip("/") == live_server.url

    page.context.clear_cookies()  # a new browser session
    login(page, live_server, steering_member)
    assert reverse("accounts:two_factor_verify") in page.url
    shot(page, "2fa-verify")
    page.fill("#id_code", _code(key, 1))
    with page.expect_navigation():
        page.click("main form:not([action]) button[type=submit]")
    assert page.url.rstrip("/") == live_server.url
