"""Second factor (TOTP): required for steering committee members, staff and whoever may see denouncers'
identities, optional for others, enforced by one middleware on every page including the admin site."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from accounts.roles import Role
from accounts.services import two_factor_enrol
from tests.factories import UserFactory, user_with_role

PASSWORD = "Mat-khau-2026"
WRONG_CODE = _("The code is not correct or has expired. Enter the code the app shows now.")


@pytest.fixture(autouse=True)
def otp_required(settings):
    settings.OTP_REQUIRED_FOR_PRIVILEGED = True


def code(key_hex: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for the key, now or a step (30 s) ahead (a code is accepted once)."""
    return f"{TOTP(bytes.fromhex(key_hex), drift=steps_ahead).token():06d}"


def wrong(good: str) -> str:
    return f"{(int(good) + 1) % 1_000_000:06d}"


def sign_in(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def enrol(user) -> TOTPDevice:
    key = TOTPDevice(user=user).key
    return two_factor_enrol(user=user, key=key, token=code(key))


def test_steering_member_without_device_sets_one_up_before_anything_opens(client, steering_member, ward):
    sign_in(client, steering_member)
    cases = reverse("cases:case_list")
    response = client.get(cases)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_setup"))

    page = client.get(response.url)
    content = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in content
    secret = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', content).group(1)
    key = b32decode(secret.replace(" ", "")).hex()
    assert key == client.session["otp_pending_key"]
    assert not TOTPDevice.objects.exists()  # nothing saved before a code confirms the app

    refused = client.post(response.url, {"code": wrong(code(key)), "next": cases})
    assert refused.status_code == 200
    assert WRONG_CODE in refused.content.decode()
    assert not TOTPDevice.objects.exists()

    done = client.post(response.url, {"code": code(key), "next": cases})
    assert done.status_code == 302 and done.url == cases
    assert client.get(cases).status_code == 200
    device = TOTPDevice.objects.get(user=steering_member)
    assert device.confirmed and device.key == key
    assert SecurityEvent.objects.filter(user=steering_member, kind=SecurityEvent.Kind.OTP_ENROLLED).exists()

    # The next sign-in asks for the code before anything else; a wrong code is refused and logged.
    client.post(reverse("accounts:logout"))
    sign_in(client, steering_member)
    asked = client.get(cases)
    assert asked.url.startswith(reverse("accounts:two_factor_verify"))
    verify = reverse("accounts:two_factor_verify")
    refused = client.post(verify, {"code": wrong(code(key, 1)), "next": cases})
    assert WRONG_CODE in refused.content.decode()
    assert SecurityEvent.objects.filter(user=steering_member, kind=SecurityEvent.Kind.OTP_FAILED).count() == 1
    assert client.get(cases).status_code == 302

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    verified = client.post(verify, {"code": code(key, 1), "next": cases})
    assert verified.status_code == 302 and verified.url == cases
    assert client.get(cases).status_code == 200


def test_a_code_is_not_accepted_twice(client, steering_member):
    device = enrol(steering_member)
    sign_in(client, steering_member)
    used = code(device.key)  # the code that confirmed the app
    response = client.post(reverse("accounts:two_factor_verify"), {"code": used})
    assert WRONG_CODE in response.content.decode()


def test_wrong_codes_slow_the_next_try_down(client, steering_member, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = enrol(steering_member)
    sign_in(client, steering_member)
    verify = reverse("accounts:two_factor_verify")
    client.post(verify, {"code": wrong(code(device.key, 1))})
    response = client.post(verify, {"code": code(device.key, 1)})
    assert _("Too many wrong codes. Wait a little, then enter the code the app shows.") in response.content.decode()
    assert client.get(reverse("overview:home")).status_code == 302


def test_the_code_form_explains_a_malformed_code(client, steering_member):
    enrol(steering_member)
    sign_in(client, steering_member)
    response = client.post(reverse("accounts:two_factor_verify"), {"code": "12ab"})
    assert _("The code has 6 digits.") in response.content.decode()


def test_the_admin_site_requires_verification(client, db):
    admin = UserFactory(username="quantri-thu", is_staff=True, is_superuser=True)
    device = enrol(admin)
    client.force_login(admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_verify"))
    client.post(reverse("accounts:two_factor_verify"), {"code": code(device.key, 1)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_without_device_are_sent_to_set_one_up(client, db):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.url.startswith(reverse("accounts:two_factor_setup"))


def test_a_ward_official_needs_no_second_factor_but_may_add_one(client, ward_official):
    sign_in(client, ward_official)
    assert client.get(reverse("cases:case_list")).status_code == 200
    client.get(reverse("accounts:two_factor_setup"))
    key = client.session["otp_pending_key"]
    client.post(reverse("accounts:two_factor_setup"), {"code": code(key)})
    client.post(reverse("accounts:logout"))
    sign_in(client, ward_official)
    assert client.get(reverse("cases:case_list")).url.startswith(reverse("accounts:two_factor_verify"))


@pytest.mark.parametrize("role", [Role.DISTRICT_REVIEWER, Role.WARD_OFFICIAL])
def test_whoever_may_see_identities_sets_up_a_device_and_verifies(client, ward, role):
    """The right to see denouncers' identities (Law on Denunciations 2018, Arts. 9 and 47) is not left behind a
    password alone, whatever the role it is granted with."""
    holder = user_with_role(ward, role, may_see_identity=True)
    sign_in(client, holder)
    cases = reverse("cases:case_list")
    response = client.get(cases)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_setup"))
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200
    key = client.session["otp_pending_key"]
    assert client.post(reverse("accounts:two_factor_setup"), {"code": code(key)}).status_code == 302
    assert client.get(cases).status_code == 200

    # The next sign-in asks for the code before the register opens.
    client.post(reverse("accounts:logout"))
    sign_in(client, holder)
    assert client.get(cases).url.startswith(reverse("accounts:two_factor_verify"))
    client.post(reverse("accounts:two_factor_verify"), {"code": code(key, 1)})
    assert client.get(cases).status_code == 200


def test_a_reviewer_without_the_identity_right_signs_in_with_a_password(client, ward):
    reviewer = user_with_role(ward, Role.DISTRICT_REVIEWER)
    # A right withdrawn (the assignment made inactive) no longer asks for the second factor.
    user_with_role(ward, Role.WARD_OFFICIAL, user=reviewer, may_see_identity=True, is_active=False)
    sign_in(client, reviewer)
    assert client.get(reverse("cases:case_list")).status_code == 200
    account = client.get(reverse("accounts:account")).content.decode()
    assert _("Your role requires two-step verification.") not in account


def test_without_the_requirement_a_steering_member_signs_in_with_a_password(client, steering_member, settings):
    settings.OTP_REQUIRED_FOR_PRIVILEGED = False
    sign_in(client, steering_member)
    assert client.get(reverse("cases:case_list")).status_code == 200


def test_sign_out_and_open_pages_stay_reachable_before_verification(client, steering_member):
    enrol(steering_member)
    sign_in(client, steering_member)
    assert client.get(reverse("core:health")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "vi", "next": "/"}).status_code == 302
    client.post(reverse("accounts:logout"))
    assert SESSION_KEY not in client.session


def test_htmx_requests_are_redirected_as_a_whole_page(client, steering_member):
    sign_in(client, steering_member)
    response = client.get(reverse("cases:case_list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("accounts:two_factor_setup"))


def test_an_unverified_session_cannot_add_a_second_device(client, steering_member):
    enrol(steering_member)
    sign_in(client, steering_member)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=steering_member).count() == 1
    with pytest.raises(ValidationError):
        enrol(steering_member)


def test_users_remove_their_own_device_with_a_current_code(client, ward_official):
    device = enrol(ward_official)
    sign_in(client, ward_official)
    client.post(reverse("accounts:two_factor_verify"), {"code": code(device.key, 1)})
    account = client.get(reverse("accounts:account"))
    assert _("Remove two-step verification") in account.content.decode()

    client.post(reverse("accounts:two_factor_remove"), {"code": wrong(code(device.key, 2))})
    assert TOTPDevice.objects.filter(user=ward_official).exists()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(reverse("accounts:two_factor_remove"), {"code": code(device.key, 2)}, follow=True)
    assert not TOTPDevice.objects.filter(user=ward_official).exists()
    assert _("Two-step verification has been removed from your account.") in response.content.decode()
    assert SecurityEvent.objects.filter(user=ward_official, kind=SecurityEvent.Kind.OTP_REMOVED).exists()
    assert client.get(reverse("cases:case_list")).status_code == 200


def test_an_administrator_resets_a_lost_device(client, city, steering_member):
    device = enrol(steering_member)
    admin = user_with_role(city, Role.ADMINISTRATOR)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    admin_device = enrol(admin)

    member = client.__class__()
    sign_in(member, steering_member)
    member.post(reverse("accounts:two_factor_verify"), {"code": code(device.key, 1)})
    assert member.get(reverse("cases:case_list")).status_code == 200

    client.force_login(admin)
    client.post(reverse("accounts:two_factor_verify"), {"code": code(admin_device.key, 1)})
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [steering_member.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=steering_member).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.OTP_RESET)
    assert (event.user, event.actor) == (steering_member, admin)
    # The member's open session is sent to set up a new app.
    assert member.get(reverse("cases:case_list")).url.startswith(reverse("accounts:two_factor_verify"))
    assert member.get(reverse("accounts:two_factor_verify")).url.startswith(reverse("accounts:two_factor_setup"))


def test_verification_codes_are_limited_per_user_and_the_page_says_so(client, steering_member, settings):
    """Guessing codes: past RATE_LIMITS["otp"] posts the page answers 429 with a message, even a right code."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "otp": "3/300"}
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the device's own throttle off: this is the rate limit alone
    device = enrol(steering_member)
    sign_in(client, steering_member)
    verify = reverse("accounts:two_factor_verify")
    for step in range(3):
        assert client.post(verify, {"code": wrong(code(device.key, step))}).status_code == 200
    response = client.post(verify, {"code": code(device.key, 1)})
    assert response.status_code == 429 and response["Retry-After"] == "300"
    assert client.get(reverse("overview:home")).status_code == 302, "still not verified"
