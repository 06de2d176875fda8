"""Mass delegations and mass cases (đoàn đông người, vụ việc đông người): a group of at least a threshold of people
on one matter, 5 by the usual rule. The threshold is data, not code (settings.DELEGATION_THRESHOLD, from the
environment), read here only; every form, service, import, flag, list and report figure asks these functions."""

from django.conf import settings
from django.db.models import Q


def mass_threshold() -> int:
    """The number of people from which a visit is a mass delegation and a case a mass case."""
    return settings.DELEGATION_THRESHOLD


def is_mass(people_count: int | None) -> bool:
    """Whether this many people on one matter make a mass delegation (or a mass case)."""
    return people_count is not None and people_count >= mass_threshold()


def mass_q(people_count_field: str = "people_count") -> Q:
    """The same rule for a query (visits, cases, or a relation's field such as "case__people_count")."""
    return Q(**{f"{people_count_field}__gte": mass_threshold()})
