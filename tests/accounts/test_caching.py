"""No copy of a page is kept by a browser's disk cache or a shared proxy: every answer of the application is
`Cache-Control: private, no-store` unless it sets its own header (core.middleware.NoStoreMiddleware)."""

import pytest
from django.urls import reverse

from tests.factories import CaseFactory, CitizenFactory, ReceptionSessionFactory, UserFactory, VisitFactory

NO_STORE = "private, no-store"


@pytest.fixture
def records(ward, ward_official):
    session = ReceptionSessionFactory(unit=ward, created_by=ward_official)
    return {
        "case": CaseFactory(unit=ward, created_by=ward_official),
        "citizen": CitizenFactory(unit=ward),
        "session": session,
        "visit": VisitFactory(session=session),
    }


def test_pages_fragments_redirects_and_errors_of_a_signed_in_user_are_not_stored(client, ward_official, records):
    client.force_login(ward_official)
    pages = [
        reverse("overview:home"),
        reverse("cases:case_list"),
        reverse("cases:case_detail", args=[records["case"].pk]),
        reverse("citizens:citizen_detail", args=[records["citizen"].pk]),
        records["session"].get_absolute_url(),
        reverse("accounts:account"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == NO_STORE, url

    # The htmx fragment of a visit's edit form names the citizen.
    fragment = client.get(reverse("intake:visit_update", args=[records["visit"].pk]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert fragment["Cache-Control"] == NO_STORE
    # The as-you-type citizen lookup (a fragment listing names, identity numbers and addresses).
    lookup = client.get(reverse("citizens:citizen_lookup"), {"q": "Nguyễn"}, HTTP_HX_REQUEST="true")
    assert records["citizen"].national_id in lookup.content.decode()
    assert lookup["Cache-Control"] == NO_STORE

    # A record out of reach and an address that does not exist: the error pages carry the user's menu.
    missing = client.get(reverse("cases:case_detail", args=[records["case"].pk + 1000]))
    assert missing.status_code == 404
    assert missing["Cache-Control"] == NO_STORE


def test_responses_that_set_their_own_header_keep_it(client, db):
    """The sign-in page, signing out and the admin site are Django's never_cache (no-store too, with
    must-revalidate): left as they are."""
    never_cache = "max-age=0, no-cache, no-store, must-revalidate, private"
    assert client.get(reverse("accounts:login"))["Cache-Control"] == never_cache
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:accounts_user_changelist"))["Cache-Control"] == never_cache
    assert client.post(reverse("accounts:logout"))["Cache-Control"] == never_cache
