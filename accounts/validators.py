"""Password rules beyond Django's own (see AUTH_PASSWORD_VALIDATORS)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> set[str]:
    """Which of lower case, upper case, digits and symbols the password uses. Vietnamese letters count as letters
    (ă, Đ...), anything that is neither a letter nor a digit (spaces included) counts as a symbol."""
    classes = set()
    for character in password:
        if character.isdigit():
            classes.add("digit")
        elif character.isalpha():
            category = unicodedata.category(character)
            classes.add("upper" if category == "Lu" else "lower")
        else:
            classes.add("symbol")
    return classes


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(
                ngettext(
                    "The password must mix at least %(count)d kind of characters: lower-case letters, upper-case "
                    "letters, digits, symbols.",
                    "The password must mix at least %(count)d kinds of characters: lower-case letters, upper-case "
                    "letters, digits, symbols.",
                    self.min_classes,
                )
                % {"count": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Use at least {count} of these: lower-case letters, upper-case letters, digits, symbols.").format(
            count=self.min_classes
        )
