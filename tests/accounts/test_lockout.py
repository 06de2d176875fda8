"""Offices sign in from one address behind NAT: a lockout holds a user name from one address, never the address
for everyone, and the per-address limit leaves room for a whole office."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "Mat-khau-2026"
OFFICE = "203.113.10.5"


@pytest.fixture
def axes_on(settings, db):
    settings.AXES_ENABLED = True


def sign_in(client, username, password, address=OFFICE):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_mistyped_names_from_an_office_do_not_lock_out_a_colleague(client, axes_on, settings):
    colleague = UserFactory(username="canbo.phuong")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        assert sign_in(client, f"canbo.phuongg{attempt}", PASSWORD).status_code == 200
    response = sign_in(client.__class__(), colleague.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("overview:home")


def test_wrong_passwords_still_lock_that_name_from_that_address(client, axes_on, settings):
    user = UserFactory(username="canbo.bikhoa")
    answers = [sign_in(client, user.username, "Sai-mat-khau-1").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the failure that reaches the limit locks
    locked = sign_in(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Colleagues at the same address are not held up by it.
    other = UserFactory(username="canbo.dongnghiep")
    assert sign_in(client.__class__(), other.username, PASSWORD).status_code == 302


def test_a_whole_office_signs_in_from_one_address(client, axes_on):
    """The default per-address limit (RATE_LIMIT_LOGIN_IP) lets an office of 60 sign in within a quarter hour,
    a tenth of them mistyping their password first."""
    colleagues = [UserFactory(username=f"canbo.vanphong{n}") for n in range(60)]
    for n, colleague in enumerate(colleagues):
        if n % 10 == 0:
            assert sign_in(client.__class__(), colleague.username, "Sai-mat-khau-1").status_code == 200
        assert sign_in(client.__class__(), colleague.username, PASSWORD).status_code == 302, n
