"""Key pages for each demo account, on whatever database DATABASE_URL names (make test also runs this on SQLite)."""

import pytest
from django.urls import reverse

from accounts.models import User
from citizens.models import ReceptionSession
from core.demo import DEMO_ACCOUNTS, load_demo
from organizations.units_loader import load_hanoi_units

pytestmark = [pytest.mark.smoke, pytest.mark.django_db]


@pytest.fixture
def demo(db):
    load_hanoi_units()
    load_demo()


@pytest.mark.parametrize("username", [account.username for account in DEMO_ACCOUNTS])
def test_demo_accounts_open_the_key_pages(client, demo, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    urls = [
        reverse("core:home"),
        reverse("organizations:unit_list"),
        reverse("citizens:session_list"),
        reverse("citizens:schedule"),
        reverse("citizens:citizen_list"),
        reverse("citizens:duty_compliance"),
    ]
    session = ReceptionSession.objects.visible_to(user).filter(visits__isnull=False).first()
    if session:
        urls.append(session.get_absolute_url())
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


def test_ward_official_sees_only_their_ward_and_steering_member_the_city(client, demo):
    client.force_login(User.objects.get(username="canbo.badinh"))
    ward_view = client.get(reverse("organizations:unit_list"), {"kind": "commune", "era": "current"})
    assert [u.name for u in ward_view.context["object_list"]] == ["Phường Ba Đình"]

    client.force_login(User.objects.get(username="bcd.thanhpho"))
    city_view = client.get(reverse("organizations:unit_list"), {"kind": "commune", "era": "current"})
    assert city_view.context["paginator"].count == 126


def test_login_page_renders(client, db):
    assert client.get(reverse("accounts:login")).status_code == 200
