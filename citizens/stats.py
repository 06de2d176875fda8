"""The reception statistics, defined once (DESIGN §5: visits, people, delegations and cases are different
counts). Used by the session page, the lists and the half-year report."""

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

MASS = Q(is_mass_delegation=True)


def visit_totals(visits: QuerySet) -> dict[str, int]:
    """Totals of active visits: visits, people, mass delegations and their people, cases opened, repeat visits."""
    return visits.filter(is_void=False).aggregate(
        visits=Count("pk"),
        people=Coalesce(Sum("people_count"), 0),
        delegations=Count("pk", filter=MASS),
        delegation_people=Coalesce(Sum("people_count", filter=MASS), 0),
        cases=Count("opened_case"),
        repeat_visits=Count("pk", filter=Q(is_repeat=True)),
    )
