"""The error pages officials meet (404 for every record outside their units, 403, 400, 500, a refused form):
Vietnamese pages with the site header and a way back, the right status, and nothing of what went wrong inside
(no exception text, no traceback, no record). pytest-django runs with DEBUG off, as production does."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import include, path, reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import ReceptionSessionFactory

SECRET = "chi-tiet-noi-bo-khong-duoc-lo"


def _forbidden(request):
    raise PermissionDenied(SECRET)


def _suspicious(request):
    raise SuspiciousOperation(SECRET)


def _broken(request):
    raise RuntimeError(SECRET)


# This module is the URLconf of the tests marked below: three views that fail on purpose, then the project's.
urlpatterns = [
    path("thu-loi/403/", _forbidden),
    path("thu-loi/400/", _suspicious),
    path("thu-loi/500/", _broken),
    path("", include("config.urls")),
]
with_failing_views = pytest.mark.urls(__name__)


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def assert_error_page(response, status: int, heading: str) -> str:
    """The page has the status, the language, the site header, its heading, and the ways back."""
    page = response.content.decode()
    assert response.status_code == status
    assert '<html lang="vi">' in page
    assert 'class="site-header"' in page and "Sổ theo dõi" in page  # the header, in Vietnamese
    assert f"<h1>{vi(heading)}</h1>" in page
    assert f"{vi('Error code')}: {status}" in page
    assert '<a href="/">' + vi("Back to the overview") + "</a>" in page
    assert "data-history-back" in page
    assert '<main id="main"' in page
    for leak in (SECRET, "Traceback", "RuntimeError", "PermissionDenied", "SuspiciousOperation", "urlpatterns"):
        assert leak not in page
    return page


def test_a_record_outside_the_users_units_gets_the_vietnamese_404_page(client, ward, other_ward, ward_official):
    session = ReceptionSessionFactory(unit=other_ward, created_by=ward_official, place="Nhà văn hóa Ngoài Phạm Vi")
    client.force_login(ward_official)
    response = client.get(reverse("citizens:session_detail", args=[session.pk]))
    page = assert_error_page(response, 404, "Page not found")
    # Nothing about the record, nor Django's message naming the model.
    assert other_ward.name not in page and session.place not in page and session.number not in page
    assert "matches the given query" not in page and "ReceptionSession" not in page
    # The signed-in official keeps the menu.
    assert 'id="main-nav"' in page


def test_an_unknown_address_gets_the_404_page_without_signing_in(client, db):
    assert_error_page(client.get("/khong-co-trang-nay/"), 404, "Page not found")


@with_failing_views
def test_a_refusal_gets_the_403_page_without_the_reason(client, ward_official):
    client.force_login(ward_official)
    assert_error_page(client.get("/thu-loi/403/"), 403, "Your account may not do this")


@with_failing_views
def test_a_server_error_gets_the_500_page_with_no_detail(ward_official):
    browser = Client(raise_request_exception=False)
    browser.force_login(ward_official)
    page = assert_error_page(browser.get("/thu-loi/500/"), 500, "Something went wrong")
    # Rendered without a request context: nothing about the user, no menu.
    assert ward_official.username not in page and 'id="main-nav"' not in page


@with_failing_views
def test_a_suspicious_request_gets_the_400_page(client, ward_official):
    client.force_login(ward_official)
    assert_error_page(client.get("/thu-loi/400/"), 400, "The request could not be read")


def test_a_host_that_is_not_allowed_gets_the_400_page(client, db):
    assert_error_page(client.get("/", HTTP_HOST="ke-gian.example"), 400, "The request could not be read")


def test_a_form_without_its_csrf_token_gets_the_vietnamese_403_page(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("accounts:login"), {"username": "ai-do", "password": "sai"})
    page = assert_error_page(response, 403, "The form was not sent")
    assert "CSRF verification failed" not in page and "cookie not set" not in page and "Referer" not in page
