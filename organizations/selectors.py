from django.db.models import Count, Q

from accounts.roles import Action
from accounts.scoping import Principal, unit_scope
from organizations.choices import UnitKind
from organizations.models import Unit, existing_on


def unit_counts_for(user: Principal) -> dict[str, int]:
    """How many units of each level the user's scope holds today, and how many abolished ones it keeps."""
    today = existing_on()
    return Unit.objects.visible_to(user, Action.VIEW).aggregate(
        communes=Count("pk", filter=Q(kind=UnitKind.COMMUNE) & today),
        grassroots=Count("pk", filter=Q(kind=UnitKind.GRASSROOTS) & today),
        cells=Count("pk", filter=Q(kind=UnitKind.CELL) & today),
        legacy=Count("pk", filter=~today),
    )


def unit_detail_context(*, unit: Unit, user: Principal) -> dict:
    """What the unit page shows: its ancestors, children in scope, and the units it replaced or that replaced it."""
    scope = unit_scope(user, Action.VIEW)
    predecessors = unit.predecessor_links.select_related("predecessor", "reorganisation").order_by("predecessor__name")
    successors = unit.successor_links.select_related("successor", "reorganisation").order_by("successor__name")
    return {
        "ancestors": list(Unit.objects.ancestors(unit)),
        "children": list(Unit.objects.visible_to(user, Action.VIEW).filter(parent=unit).order_by("kind", "name")),
        # Official unit names are public, but only units in scope are linked.
        "predecessors": [(link, scope.contains(link.predecessor_id)) for link in predecessors],
        "successors": [(link, scope.contains(link.successor_id)) for link in successors],
    }
