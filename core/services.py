"""Saving with history, shared by every app's services."""

from django.db import models


def save_with_history(instance: models.Model, *, user, **kwargs) -> None:
    """Validate and save, recording `user` as the author of the history entry."""
    instance.full_clean(**kwargs)
    instance._history_user = user
    instance.save()
