import pytest
from django.urls import reverse

from tests.factories import UserFactory


def test_login_page_is_in_vietnamese(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "Đăng nhập" in content


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("overview:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_wrong_password_says_so_in_vietnamese_next_to_the_form(client, db):
    UserFactory(username="canbo")
    response = client.post(reverse("accounts:login"), {"username": "canbo", "password": "sai"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_correct_password_signs_in(client, ward_official):
    response = client.post(reverse("accounts:login"), {"username": ward_official.username, "password": "Mat-khau-2026"})
    assert response.status_code == 302
    assert response.url == reverse("overview:home")


@pytest.mark.django_db
def test_repeated_failures_lock_the_account(client, settings):
    settings.AXES_ENABLED = True
    user = UserFactory(username="bikhoa")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "bikhoa", "password": "sai"})
    response = client.post(reverse("accounts:login"), {"username": "bikhoa", "password": "Mat-khau-2026"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert user.pk


def test_english_is_available(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("accounts:login"))
    assert '<html lang="en">' in response.content.decode()
