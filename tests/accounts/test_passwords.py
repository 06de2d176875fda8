"""Password rules (AUTH_PASSWORD_VALIDATORS) and the password change page."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import ngettext

from accounts.models import SecurityEvent
from accounts.validators import CharacterClassesValidator, character_classes
from devtools.demo import DEMO_PASSWORD
from tests.factories import UserFactory


def test_the_demo_and_test_passwords_pass_every_rule(db):
    validate_password(DEMO_PASSWORD, UserFactory.build(username="bcd.thanhpho", full_name="Phạm Thu Trang"))
    validate_password("Mat-khau-2026", UserFactory.build())


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ngan@2026", "password_too_short"),  # 9 characters
        ("123456789012345", "password_entirely_numeric"),
        ("password1234", "password_too_common"),
        ("chihuongnguyen", "password_too_simple"),  # lower case only
        ("chihuongnguyen2026", "password_too_simple"),  # two kinds
    ],
)
def test_weak_passwords_are_refused(db, password, code):
    with pytest.raises(ValidationError) as error:
        validate_password(password, UserFactory.build(username="canbo.thu"))
    assert code in {e.code for e in error.value.error_list}


def test_a_password_like_the_user_name_is_refused(db):
    with pytest.raises(ValidationError) as error:
        validate_password("Nguyenthihuong#1", UserFactory.build(username="nguyenthihuong"))
    assert "password_too_similar" in {e.code for e in error.value.error_list}


def test_the_minimum_length_comes_from_the_environment_setting(settings):
    lengths = [v["OPTIONS"]["min_length"] for v in settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"]]
    assert lengths == [12]


def test_vietnamese_letters_count_as_letters_and_spaces_as_symbols():
    assert character_classes("Đảng viên 2026") == {"upper", "lower", "digit", "symbol"}
    assert character_classes("đường") == {"lower"}
    CharacterClassesValidator(3).validate("Học tập tốt")  # upper, lower, symbol (spaces)


def test_the_three_kinds_rule_says_what_to_do(db):
    with pytest.raises(ValidationError) as error:
        CharacterClassesValidator(3).validate("chihuongnguyen2026")
    assert error.value.messages == [
        ngettext(
            "The password must mix at least %(count)d kind of characters: lower-case letters, upper-case letters, "
            "digits, symbols.",
            "The password must mix at least %(count)d kinds of characters: lower-case letters, upper-case letters, "
            "digits, symbols.",
            3,
        )
        % {"count": 3}
    ]


def test_users_change_their_password_on_the_house_page(client, ward_official):
    client.force_login(ward_official)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    too_simple = client.post(
        reverse("accounts:password_change"),
        {"old_password": "Mat-khau-2026", "new_password1": "chihuongnguyen", "new_password2": "chihuongnguyen"},
    )
    assert too_simple.status_code == 200
    assert 'class="error-summary' in too_simple.content.decode()
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": "Mat-khau-2026", "new_password1": "Ho-Guom-xanh-2026", "new_password2": "Ho-Guom-xanh-2026"},
    )
    assert changed.url == reverse("accounts:password_change_done")
    ward_official.refresh_from_db()
    assert ward_official.check_password("Ho-Guom-xanh-2026")
    assert SecurityEvent.objects.filter(user=ward_official, kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()
    assert client.get(reverse("overview:home")).status_code == 200  # still signed in
