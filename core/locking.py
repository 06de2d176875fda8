"""No lost updates: a service that changes a row re-reads it under a lock and applies its change to that fresh row.

Two officials acting on one case at once each load the case in their own request. Without a lock the second to
save writes back the whole row it read before the first saved, and the first one's change is silently gone (a
lost update); worse, each checked its rule (the status a move starts from, "this flag is not already on")
against a state that no longer holds. Every service that changes a row therefore calls `lock()` inside its
`transaction.atomic` before validating: the second official waits for the first to commit, then sees the row as
the first left it, and either applies a compatible change on top or is refused with a ValidationError.

Update services take each field as a keyword-only parameter defaulting to `KEEP`, so a caller changes only the
fields it names; None cannot mean "not given", because it is a value that nullable fields take.
"""

import enum
from collections.abc import Mapping
from typing import Final

from django.db import models


def lock[M: models.Model](instance: M, *related: str) -> M:
    """The row of `instance` read again with SELECT … FOR UPDATE, held until the transaction ends.

    Call it inside `transaction.atomic` (Django refuses a FOR UPDATE query in autocommit mode). `related` names
    foreign keys to join for reading; only the row itself is locked (`of=("self",)`), so a case transition does
    not lock its unit against every other write in that unit. Lock in one order everywhere (a case before its
    deadlines, designations or letters) so that two services cannot wait on each other.
    """
    # __class__, not type(): request.user is a lazy object that answers __class__ with the User class.
    model: type[M] = instance.__class__
    queryset = model._base_manager.select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=instance.pk)


class Keep(enum.Enum):
    """The type of `KEEP`."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP
"""The default of an update service's optional field parameters: the caller did not give the field, and it keeps
the value it has in the locked row."""


def apply_given(instance: models.Model, values: Mapping[str, object]) -> list[str]:
    """Set on `instance` each field whose value is given (not `KEEP`); the names of the fields set."""
    given = [name for name, value in values.items() if value is not KEEP]
    for name in given:
        setattr(instance, name, values[name])
    return given
