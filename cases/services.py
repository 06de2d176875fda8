from django.db import transaction
from django.utils import timezone

from accounts.roles import Action
from cases.choices import CaseKind, Channel
from cases.models import Case
from core.models import NumberSequence
from core.services import require_right, save_with_history


def case_number(*, unit_id: int, year: int) -> str:
    """The next number of the unit's case register for the year, e.g. "12/2026"."""
    return f"{NumberSequence.next_value(unit_id=unit_id, register='case', year=year)}/{year}"


@transaction.atomic
def case_open_from_visit(*, user, visit) -> Case:
    """Open a case for the letter received at a reception visit, pre-filled from the visit."""
    session = visit.session
    require_right(user, Action.CHANGE, session.unit_id)
    received_on = timezone.localdate(session.starts_at)
    case = Case(
        unit_id=session.unit_id,
        number=case_number(unit_id=session.unit_id, year=received_on.year),
        kind=visit.content_kind or CaseKind.FEEDBACK,
        field_id=visit.field_id,
        channel=Channel.RECEPTION,
        received_on=received_on,
        summary=visit.content,
        people_count=visit.people_count,
        complainant_id=visit.citizen_id,
        source_visit=visit,
        created_by=user,
    )
    save_with_history(case, user=user)
    return case
