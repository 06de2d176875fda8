"""Saving with history, shared by every app's services."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models


def save_with_history(instance: models.Model, *, user: AbstractBaseUser, **kwargs: Any) -> None:
    """Validate and save, recording `user` as the author of the history entry. `kwargs` go to full_clean."""
    instance.full_clean(**kwargs)
    # django-simple-history reads the author from this attribute, which no model declares.
    instance._history_user = user  # type: ignore[attr-defined]
    instance.save()
