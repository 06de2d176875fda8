"""Sign-in answers in the same time whether the name typed is an account or not (user enumeration).

Measured with production's password hasher (Django's default PASSWORD_HASHERS, PBKDF2, about a third of a second
a check; the test settings use MD5 so that other tests run fast) and django-axes on, as in production. The three
kinds of attempt are interleaved, 30 of each, so that a change of load on the machine falls on all three alike,
and compared by their medians, which one slow outlier does not move.

Tolerance: the medians must agree within 25 %. A path that skips the hasher or runs it twice differs by 100 %
or more; the gap the tester found (618 ms against 458 ms) was 35 %. Repeated runs on a two-core machine running
other test processes at the same time (`-n 2`) gave medians within 10 % of each other, so 25 % fails on a real
difference without failing on noise."""

import statistics
import time

import pytest
from django.conf import global_settings
from django.contrib.auth.hashers import PBKDF2SHA1PasswordHasher
from django.urls import reverse

from tests.factories import UserFactory

ATTEMPTS = 30
TOLERANCE = 0.25


@pytest.fixture
def production_hashing(settings, db):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    assert "PBKDF2" in settings.PASSWORD_HASHERS[0]
    settings.AXES_ENABLED = True
    # The same name is tried 30 times within a minute: above the per-name limit, which would answer 429 for any
    # name alike. Each attempt comes from an address of its own, so django-axes (name and address together)
    # never locks the known name out either; both would cut an attacker's samples, not hide the difference.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-username": "1000/60", "login-ip": "1000/60"}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def test_unknown_names_and_old_hashes_cost_what_a_wrong_password_costs(client, production_hashing):
    known = UserFactory(username="canbo.thoigian")
    known.set_password("Mat-khau-2026")
    known.save()
    # An account carried over with an old hash: another installed algorithm, few iterations (Django does not make
    # up the difference when the algorithm differs). Accounts without a usable password Django evens out itself.
    old_hash = UserFactory(username="canbo.cu")
    sha1 = PBKDF2SHA1PasswordHasher()
    old_hash.password = sha1.encode("Mat-khau-2026", sha1.salt(), iterations=10_000)
    old_hash.save()

    login = reverse("accounts:login")
    timings: dict[str, list[float]] = {"wrong password": [], "unknown name": [], "old hash": []}
    for attempt in range(ATTEMPTS):
        for kind, name in (
            ("wrong password", known.username),
            ("unknown name", f"khongco.{attempt}"),
            ("old hash", old_hash.username),
        ):
            started = time.perf_counter()
            response = client.post(
                login, {"username": name, "password": "Sai-mat-khau-9"}, REMOTE_ADDR=f"10.9.{attempt}.{len(kind)}"
            )
            timings[kind].append(time.perf_counter() - started)
            assert response.status_code == 200  # the form again, never a lockout or a limit

    medians = {kind: median_ms(samples) for kind, samples in timings.items()}
    print(", ".join(f"{kind}: {value:.0f} ms" for kind, value in medians.items()))
    fastest, slowest = min(medians.values()), max(medians.values())
    assert slowest <= fastest * (1 + TOLERANCE), medians


def test_an_account_with_an_old_hash_still_signs_in_and_is_rehashed(client, production_hashing):
    user = UserFactory(username="canbo.cu")
    sha1 = PBKDF2SHA1PasswordHasher()
    user.password = sha1.encode("Mat-khau-2026", sha1.salt(), iterations=10_000)
    user.save()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "Mat-khau-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
