"""Helpers every app's services share: the acting user's right on a unit, and saving with history."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from organizations.scoping import has_right


def require_right(user, action: str, unit_id: int) -> None:
    """Refuse a write the user's roles do not allow on that unit (views never get this far for records out of
    scope; this guards services called from elsewhere)."""
    if not has_right(user, action, unit_id):
        raise PermissionDenied(_("You do not have the right to do this for this unit."))


def save_with_history(instance: models.Model, *, user, **kwargs) -> None:
    """Validate and save, recording `user` as the author of the history entry."""
    instance.full_clean(**kwargs)
    instance._history_user = user
    instance.save()
