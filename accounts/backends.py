"""Signing in with a user name and password at the same cost whether the name is an account or not, so that the
time of an answer does not tell an attacker which names exist (user enumeration)."""

from typing import Any

from django.contrib.auth import check_password_with_timing_attack_mitigation
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import get_hasher, identify_hasher, is_password_usable, make_password
from django.http import HttpRequest

from accounts.models import User


def hashed_by_another_algorithm(encoded: str) -> bool:
    """Whether a stored password was hashed by an installed hasher other than the default one (an account carried
    over from an older system or an older Django, rehashed only at its next successful sign-in)."""
    if not is_password_usable(encoded):
        return False
    try:
        return identify_hasher(encoded).algorithm != get_hasher().algorithm
    except ValueError:  # an unknown hash: Django runs the default hasher for it already
        return False


class EqualCostModelBackend(ModelBackend):
    """Django's ModelBackend runs the default hasher once for a name that is no account, for an account without a
    usable password and for a hash it cannot read, and makes up the iterations a hash of the default algorithm
    lacks (harden_runtime). It does not for a hash of another algorithm: an old PBKDF2-SHA1 hash of 10,000
    iterations answered a wrong password in milliseconds where an unknown name took a third of a second, which
    told that the name exists. Here that account also pays one run of the default hasher before its own check,
    so that every failed attempt costs at least the default hasher's run."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            user = None
        if user is not None and hashed_by_another_algorithm(user.password):
            make_password(password)  # the default hasher's cost, spent for nothing
        if check_password_with_timing_attack_mitigation(user, password) and self.user_can_authenticate(user):
            return user
        return None
