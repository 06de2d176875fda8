"""Key pages for each demo account, on whatever database DATABASE_URL names (make test also runs this on SQLite).

The demo data set takes a while to load, so one test loads it once and walks every account through the pages.
"""

import pytest
from django.urls import reverse

from accounts.models import User
from cases.models import Case
from citizens.models import ReceptionSession
from devtools.demo import DEMO_ACCOUNTS, load_demo
from organizations.units_loader import load_hanoi_units
from tests.test_url_scope import project_urls

pytestmark = [pytest.mark.smoke, pytest.mark.django_db]

POST_ONLY = {"retention:dispose", "retention:hold_place"}


def test_demo_accounts_open_the_key_pages_within_their_scope(client):
    load_hanoi_units()
    load_demo()
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        client.force_login(user)
        urls = [
            reverse("overview:home"),
            reverse("organizations:unit_list"),
            reverse("citizens:session_list"),
            reverse("citizens:schedule"),
            reverse("citizens:citizen_list"),
            reverse("citizens:duty_compliance"),
            reverse("cases:case_list"),
            reverse("cases:overdue"),
            reverse("cases:due_soon"),
            reverse("cases:letter_list"),
        ]
        # And every page of the project that takes no argument (audit logs, imports, account...), on this
        # database too: each answers without a server error for every account.
        urls += [
            reverse(name)
            for name, pattern in project_urls()
            if not pattern.pattern.converters
            and "<" not in str(pattern.pattern)
            and name != "core:health"
            and name not in POST_ONLY
        ]
        session = ReceptionSession.objects.visible_to(user).filter(visits__isnull=False).first()
        case = Case.objects.visible_to(user).filter(deadlines__isnull=False).first()
        urls += [obj.get_absolute_url() for obj in (session, case) if obj]
        for url in dict.fromkeys(urls):
            assert client.get(url).status_code in (200, 302, 403), (account.username, url)

    client.force_login(User.objects.get(username="canbo.badinh"))
    ward_view = client.get(reverse("organizations:unit_list"), {"kind": "commune", "era": "current"})
    assert [u.name for u in ward_view.context["object_list"]] == ["Phường Ba Đình"]
    client.force_login(User.objects.get(username="bcd.thanhpho"))
    city_view = client.get(reverse("organizations:unit_list"), {"kind": "commune", "era": "current"})
    assert city_view.context["paginator"].count == 126


def test_login_page_renders(client):
    assert client.get(reverse("accounts:login")).status_code == 200
