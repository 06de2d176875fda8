"""Turns django-simple-history rows into a timeline: who, when, and old → new for each changed field."""

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
HIDDEN_FIELDS = {"search_text", "created_at", "updated_at", "created_by"}


def _display(field: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    if isinstance(field, models.ForeignKey):
        return related.get((field.related_model, value), f"#{value}")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def history_entries(
    historical: models.QuerySet,
    *,
    label: str,
    mask_fields: frozenset[str] = frozenset(),
    skip_fields: frozenset[str] = frozenset(),
) -> list:
    """Timeline entries for a queryset of historical records, diffing each record against the previous one of
    the same object. `mask_fields` are shown as changed without their values (confidential identities).
    Costs one query, plus one per related model named in the changes."""
    model = historical.model.instance_type
    rows = list(historical.select_related("history_user").order_by("id", "history_date", "history_id"))
    previous: dict[int, object] = {}
    many_to_many = [f.name for f in model._meta.many_to_many]
    pending = []
    fk_ids: dict[type[models.Model], set[Any]] = defaultdict(set)
    for row in rows:
        old = previous.get(row.id)
        changes = []
        if old is not None:
            delta = row.diff_against(old, excluded_fields=many_to_many, foreign_keys_are_objs=False)
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                if change.field in HIDDEN_FIELDS or change.field in skip_fields:
                    continue
                changes.append((field, change.old, change.new))
                if isinstance(field, models.ForeignKey):
                    fk_ids[field.related_model].update(v for v in (change.old, change.new) if v is not None)
        previous[row.id] = row
        pending.append((row, changes))
    related = {}
    for related_model, ids in fk_ids.items():
        for obj in related_model._default_manager.filter(pk__in=ids):
            related[(related_model, obj.pk)] = str(obj)
    entries = []
    for row, changes in pending:
        entries.append(
            {
                "at": row.history_date,
                "user": row.history_user,
                "label": label,
                "object_id": row.id,
                "action": ACTIONS.get(row.history_type, row.history_type),
                "reason": row.history_change_reason or "",
                "changes": [
                    {
                        "field": field.verbose_name,
                        "old": "***" if field.name in mask_fields else _display(field, old, related),
                        "new": "***" if field.name in mask_fields else _display(field, new, related),
                    }
                    for field, old, new in changes
                ],
            }
        )
    return entries
