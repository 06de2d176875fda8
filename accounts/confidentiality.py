"""A denouncer's identity: who may see it, what everyone else sees instead, and the log of each view. The one home
of the rule (Law on Denunciations 2018, Arts. 9, 47, 56: the denouncer's name, address and handwriting are kept
secret; Decree 13/2023/NĐ-CP: each access to personal data is recorded; DESIGN §5 "Confidentiality" and §7).

What is protected. A record is protected when it is a denunciation or belongs to one; each model states it once,
as `is_confidential` for a row in hand and `CONFIDENTIAL` (a Q) for a query:
- a case whose kind is a denunciation;
- a letter classified as a denunciation or as several contents (one of them may be a denunciation), a letter not
  yet classified (it may be a denunciation: its sender stays hidden until someone who may see identities classifies
  it as something else), or a letter that belongs to a denunciation case;
- a reception visit whose content is a denunciation, or that opened a denunciation case;
- a document attached to a protected case or letter (it may be the letter itself, in the denouncer's hand);
- a person known to the unit that recorded them only through protected records (every visit, letter and case
  naming them that is not voided is protected). A name with nothing else to show is a denouncer: for a user who
  may not see identities such a person is not in the register at all (lists, search, look-ups, their page).

What the identity is: the person's name, identity number (CCCD), phone and address; the other names on the record
(other complainants, a group's representatives); its documents; and whatever leads to the person: the link to
their page, their other cases found through their identity (possible duplicates), the history of those fields.
A protected record itself stays in the registers, lists, counts and statistics, with the person masked; on the
person's own page the protected records are left out and not counted, since listing them there would say who
denounced. A field that decides whether a record is protected (a case's kind, a letter's classification, a
visit's content) cannot be changed by someone who may not see the identity: that would unmask it.

Who may see it: a user holding the explicit right SEE_IDENTITY (`RoleAssignment.may_see_identity`) for the
record's unit or a unit above it, like every right. No role carries it by default: not the administrator, not
the steering committee.

Everyone else sees MASKED_NAME in place of the person and MASKED_VALUE in place of every other detail; search does
not match a protected identity, exports and reports carry the mask, and a protected document is not served.

Each view by someone who may see is logged: one PersonalDataAccess row per protected record shown, in the request
that shows it, labelled by the kind of record and its number, never by the person's name (the auditors who read
the log need not hold the right themselves).

This module knows no domain model: it works from a record's unit and whether the record is protected, given by the
caller or read from the record (`unit_id`, `is_confidential`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Protocol

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.options import Options
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import PersonalDataAccess, User
from accounts.roles import Action
from accounts.scoping import Principal, UnitScope, unit_scope

MASKED_NAME = _("Confidential (denouncer)")
MASKED_VALUE = "***"
UNPROTECTING_REFUSED = _("Only an official with the right to see confidential identities can change it.")


class Labelled(Protocol):
    """A record the log can name (record_label): a model instance."""

    pk: Any
    _meta: ClassVar[Options[Any]]


class Protectable(Labelled, Protocol):
    """A record that may name a denouncer: its unit and whether it is protected (Case, Letter, Attachment; a
    visit gives its unit through its session)."""

    @property
    def is_confidential(self) -> bool: ...


class Maskable(Protectable, Protocol):
    """A record a page lists, which mask_records marks: the model declares `identity_masked` for it."""

    identity_masked: bool


def _own_unit(record: Any) -> int:
    """The unit of a record that has one of its own (`unit_id`: a case, a letter, a document); a visit's callers
    pass its session's instead."""
    unit: int = record.unit_id
    return unit


def _always(record: object) -> bool:
    return True


def identity_scope(user: Principal) -> UnitScope:
    """The units where `user` may see the identities behind protected records."""
    return unit_scope(user, Action.SEE_IDENTITY)


def may_see_identity(user: Principal, unit_id: int | None) -> bool:
    """Whether `user` may see who is behind a protected record of `unit_id`."""
    return identity_scope(user).contains(unit_id)


def is_masked(user: Principal, *, unit_id: int | None, confidential: bool) -> bool:
    """Whether the identity behind a record of `unit_id` is hidden from `user`: the record is protected and the
    user does not hold the right there."""
    return confidential and not may_see_identity(user, unit_id)


def identity_shown(user: Principal, *, unit_field: str, confidential: Q) -> Q:
    """As a query filter, the rows whose identity `user` may see: those not protected (`confidential` is the
    model's CONFIDENTIAL), and the protected ones of units where the user holds the right. For searching by name
    and for finding a person's other records."""
    scope = identity_scope(user)
    if scope.everything:
        return Q()
    if not scope.unit_ids:
        return ~confidential
    return ~confidential | Q(**{f"{unit_field}__in": scope.unit_ids})


def masked_value(value: Any, hidden: bool) -> Any:
    """What a masked detail (identity number, phone, address, other names) shows; the value itself otherwise."""
    return MASKED_VALUE if hidden else value


def mask_records[R: Maskable](
    records: Iterable[R],
    *,
    user: Principal,
    path: str,
    unit_id: Callable[[R], int] = _own_unit,
    confidential: Callable[[R], bool] | None = None,
    names_someone: Callable[[R], bool] = _always,
) -> list[R]:
    """Mark each record `identity_masked` when `user` may not see who is behind it, and log the protected ones
    whose person is shown (`names_someone`: an anonymous letter shows nobody). No queries but the log's one
    insert. Returns the records."""
    records = list(records)
    scope = identity_scope(user)
    shown: list[tuple[R, int]] = []
    for record in records:
        protected = confidential(record) if confidential else record.is_confidential
        unit = unit_id(record)
        record.identity_masked = protected and not scope.contains(unit)
        if protected and not record.identity_masked and names_someone(record):
            shown.append((record, unit))
    if shown:
        # Only a user holding the identity right somewhere is shown an identity: never a visitor or the system.
        assert isinstance(user, User)
        _log(user=user, shown=shown, path=path)
    return records


def log_identity_views[P: Protectable](
    *, user: User, records: Iterable[P], path: str, unit_id: Callable[[P], int] = _own_unit
) -> None:
    """Log that `user` was shown the identity behind each of `records` (all protected, all shown), in one insert."""
    _log(user=user, shown=[(record, unit_id(record)) for record in records], path=path)


def record_label(record: Labelled) -> str:
    """How the log names a record: its kind and register number (or id), never the person's name."""
    number = getattr(record, "number", "") or f"#{record.pk}"
    return f"{capfirst(record._meta.verbose_name)} {number}"[:200]


def log_labelled_views(
    *,
    user: User,
    views: Iterable[tuple[str, int]],
    path: str,
    batch_size: int = 1000,
    kind: str = PersonalDataAccess.Kind.VIEW_IDENTITY,
) -> None:
    """The same for records already named by `record_label`, with their units: an export keeps only these for the
    thousands of rows it may show. `kind` says what was done (a disposal logs the records it anonymised)."""
    PersonalDataAccess.objects.bulk_create(
        (
            PersonalDataAccess(user=user, kind=kind, unit_id=unit, record=label, path=path[:300])
            for label, unit in views
        ),
        batch_size=batch_size,
    )


def _log(*, user: User, shown: Iterable[tuple[Labelled, int]], path: str) -> None:
    log_labelled_views(user=user, views=[(record_label(record), unit) for record, unit in shown], path=path)


def check_unprotecting(
    user: User,
    *,
    record: Protectable,
    unit_id: int,
    was_protected: bool,
    is_protected: bool,
    field: str,
    path: str = "",
) -> None:
    """A change that takes a record out of protection (a denunciation reclassified as a complaint, a letter
    classified at last as feedback) shows its person to everyone from then on: only a user who may see the
    identity there may make it, and the unmasking is logged as a view of the identity. Raises ValidationError on
    `field` otherwise. Services call it under the record's lock, with its state before and after the change."""
    if not was_protected or is_protected:
        return
    if not may_see_identity(user, unit_id):
        raise ValidationError({field: UNPROTECTING_REFUSED})
    log_identity_views(user=user, records=[record], unit_id=lambda _record: unit_id, path=path)
