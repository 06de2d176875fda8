"""Possible duplicates of a case: the same person (identity number, or name and address, diacritics ignored) in
any unit, or similar content in the same field lately in the same commune (today's unit, the units it replaced
and the units below it). Details are shown only within the user's scope; elsewhere the user learns only that a
related record exists, and at which unit (DESIGN §5).

Why similar content is looked for within the commune only: a matter (a parcel of land, a site clearance, a
respondent) belongs to a place, and comparing a case's text with every case of a city in the same field and year
means computing the similarity of tens of thousands of texts on every case page (about a second at 1,000,000
cases), while the same person moving between units is found through their identity, which is indexed."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.confidentiality import is_masked, log_identity_views
from accounts.roles import Action
from accounts.scoping import subtree_ids, unit_scope
from cases.models import Case
from citizens.models import Citizen
from core.dates import shifted
from organizations.models import Unit, UnitSuccession

SIMILAR_CONTENT_WINDOW = timedelta(days=180)
SIMILARITY_THRESHOLD = 0.45
SIMILAR_CONTENT_POOL = 100


@dataclass(frozen=True)
class Candidate:
    case: Case | None  # None when the related case is outside the user's scope
    unit_name: str
    reason: str


def commune_family(unit: Unit) -> frozenset[int]:
    """The unit's commune as it is today with everything it replaced and everything below it; for a unit that
    was replaced, the family of its successor(s). The City itself has no such family: only its own cases."""
    if unit.parent_id is None:
        return frozenset({unit.pk})
    successors = set(UnitSuccession.objects.filter(predecessor=unit).values_list("successor_id", flat=True))
    return subtree_ids(successors or {unit.pk})


def duplicate_candidates(*, case: Case, user, limit: int = 10, path: str = "") -> list[Candidate]:
    """The possible duplicates of `case` that `user` may be told of. A denunciation found as the same person says who
    denounced: only with the right on its unit, and then logged (accounts/confidentiality.py)."""
    person = Q(pk__in=[])
    citizen = case.complainant
    if is_masked(user, unit_id=case.unit_id, confidential=case.is_confidential):
        citizen = None  # who the denouncer is must not be inferable from their other cases
    if citizen is not None:
        if citizen.national_id:
            person |= Q(national_id=citizen.national_id)
        person |= Citizen.same_name_and_address(citizen.full_name, citizen.address)
    others = Case.objects.active().exclude(pk=case.pk).select_related("unit", "complainant")
    # The citizens first (through their own indexes), then their cases (through the complainant index).
    people = Citizen.objects.filter(person).order_by().values_list("pk", flat=True)[:100] if citizen else []
    # Newest first, but sorted here: with ORDER BY ... LIMIT PostgreSQL may walk the whole date index instead.
    by_person = sorted(others.filter(complainant__in=list(people)).order_by(), key=lambda c: (c.received_on, c.pk))[
        : -limit - 1 : -1
    ]
    similar = []
    if connection.vendor == "postgresql" and case.search_text:
        # The commune's cases of the field closest in time to this one (at most SIMILAR_CONTENT_POOL of them),
        # then the most similar of those: a busy commune has hundreds a year in a field like land.
        nearest = (
            others.filter(
                unit__in=commune_family(case.unit),
                field_id=case.field_id,
                received_on__gte=shifted(case.received_on, -SIMILAR_CONTENT_WINDOW),
                received_on__lte=shifted(case.received_on, SIMILAR_CONTENT_WINDOW),
            )
            .order_by("-received_on")
            .values("pk")[:SIMILAR_CONTENT_POOL]
        )
        similar = list(
            others.filter(pk__in=nearest)
            .annotate(similarity=TrigramSimilarity("search_text", case.search_text))
            .filter(similarity__gte=SIMILARITY_THRESHOLD)
            .order_by("-similarity")[:limit]
        )
    view_scope = unit_scope(user, Action.VIEW)
    candidates, seen = [], set()
    for other, reason in [(c, _("same person")) for c in by_person] + [(c, _("similar content")) for c in similar]:
        if other.pk in seen:
            continue
        seen.add(other.pk)
        # Matching a denouncer by identity would reveal who denounced: only with the right on that unit.
        if reason == _("same person") and is_masked(user, unit_id=other.unit_id, confidential=other.is_confidential):
            continue
        visible = view_scope.contains(other.unit_id)
        candidates.append(Candidate(case=other if visible else None, unit_name=other.unit.name, reason=reason))
    candidates = candidates[:limit]
    same_person = {c.case.pk for c in candidates if c.case is not None and c.reason == _("same person")}
    if shown := [c for c in by_person if c.pk in same_person and c.is_confidential]:
        log_identity_views(user=user, records=shown, path=path or case.get_absolute_url())
    return candidates
