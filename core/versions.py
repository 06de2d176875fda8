"""Stale forms: a form saved over changes someone else made after it was opened is refused, not applied.

Row locks (core/locking.py) stop two saves from interleaving, but not the lost update a user can see: officials A
and B open one case's edit form; A saves a new respondent; B, still looking at the form loaded before A's save,
saves a new summary, and the respondent in B's form (the old one) silently undoes A's change. So an edit form
carries the version of the record it was loaded from (the id of its latest history row, django-simple-history),
and the update service, under its row lock, compares that version with the record as it is now. When a field
that B's form sends was changed since, with a value B did not also type, B is refused and told what changed
(field: old → new); the form is shown again with B's input and the current version, so B can check and save.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.history import _display
from core.locking import KEEP

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class StaleFormError(ValidationError):
    """The form was loaded from an older version of the record; `version` is the record's version now."""

    def __init__(self, message: "StrOrPromise", *, version: int | None) -> None:
        super().__init__(message, code="stale_form")
        self.version = version


def record_version(instance: models.Model) -> int | None:
    """The version of a record: the id of its latest history row (None for a record without history)."""
    history = getattr(instance, "history", None)
    if history is None or instance.pk is None:
        return None
    return history.order_by("-history_id").values_list("history_id", flat=True).first()


def _comparable(field: models.Field, value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        return value.strip()
    return value


def check_version(
    instance: models.Model,
    version: int | None,
    given: Mapping[str, object],
    *,
    mask_fields: frozenset[str] = frozenset(),
) -> None:
    """Refuse the values `given` by a form loaded at `version` if, since then, someone changed one of those fields
    to a value other than the one given. Call it on the locked row (core.locking.lock), before applying the values.
    A form without a version (a caller that is not a form) is not checked. `mask_fields` are named as changed
    without their values (a denouncer's identity is not put in a message)."""
    if version is None:
        return
    current = record_version(instance)
    if current is None or current == version:
        return
    snapshot = instance.history.filter(history_id=version).first()  # type: ignore[attr-defined]
    if snapshot is None:  # not a version of this record: a tampered or very old form
        raise StaleFormError(
            _(
                "This record has changed since you opened the form. Your entries are kept below: check them, then "
                "save again."
            ),
            version=current,
        )
    changes = []
    for name, value in given.items():
        if value is KEEP:
            continue
        field = instance._meta.get_field(name)
        if not isinstance(field, models.Field) or field.many_to_many:
            continue
        then, now = getattr(snapshot, field.attname), getattr(instance, field.attname)
        if _comparable(field, then) != _comparable(field, now) and _comparable(field, value) != _comparable(field, now):
            changes.append((field, then, now))
    if not changes:
        return
    related: dict[tuple[type[models.Model], Any], str] = {}
    for field, then, now in changes:
        if isinstance(field, models.ForeignKey):
            for obj in field.related_model._default_manager.filter(pk__in=[v for v in (then, now) if v is not None]):
                related[(field.related_model, obj.pk)] = str(obj)
    described = "; ".join(
        _("{field}: “{old}” → “{new}”").format(
            field=str(field.verbose_name).capitalize(),
            old="***" if field.name in mask_fields else _display(field, then, related),
            new="***" if field.name in mask_fields else _display(field, now, related),
        )
        for field, then, now in changes
    )
    raise StaleFormError(
        _(
            "Someone else saved this record after you opened the form, and your save would undo their changes: "
            "{changes}. Your entries are kept below: check them against these changes, then save again."
        ).format(changes=described),
        version=current,
    )


def keep_input_at_version(form: forms.BaseForm, error: StaleFormError) -> None:
    """Show a refused form again with the user's input and the record's current version, so that saving it again
    (after checking the changes named in the error) applies it."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data[form.add_prefix("version")] = "" if error.version is None else str(error.version)
    form.data = data
    form.add_error(None, error)


def version_field() -> forms.IntegerField:
    """The hidden field of an edit form that carries the version of the record it was loaded from."""
    return forms.IntegerField(label=_("Version of the record"), widget=forms.HiddenInput, required=False, min_value=1)
