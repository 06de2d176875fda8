"""The database connection reads every stored value, even one no form should have let in.

Before dates were bounded, a session typed as 01/01/0001 at 00:00 in Hanoi was stored as a time in year 0 (1 BC) in
UTC. The driver cannot turn that into a Python datetime ("year -1 is out of range"), so every query reading the row
(its page, its edit form, the last page of a list) failed with a server error. A stored value must never make a
page fail: a time outside Python's range is read as the nearest one it can represent, and the page shows that
absurd date for someone to correct.
"""

from datetime import UTC, datetime
from typing import Any

from django.db.backends.signals import connection_created

EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


def _bounded(value: str | None, cursor: Any) -> datetime | None:
    import psycopg2.extensions

    try:
        return psycopg2.extensions.PYDATETIMETZ(value, cursor)
    except ValueError:
        # Only a time outside years 1–9999 gets here; PostgreSQL writes years before 1 with " BC".
        return EARLIEST if value is not None and value.endswith(" BC") else LATEST


def bound_timestamps(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Read out-of-range times on a new PostgreSQL connection as the nearest representable time."""
    if connection.vendor != "postgresql":
        return
    try:
        import psycopg2.extensions
    except ImportError:  # psycopg 3 is not the driver of this project; nothing to install there.
        return
    oids = psycopg2.extensions.PYDATETIMETZ.values
    psycopg2.extensions.register_type(
        psycopg2.extensions.new_type(oids, "BOUNDED_TIMESTAMPTZ", _bounded), connection.connection
    )


def connect_bounded_timestamps() -> None:
    connection_created.connect(bound_timestamps, dispatch_uid="core.db.bound_timestamps")
