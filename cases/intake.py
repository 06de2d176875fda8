"""Turning what a citizen brings to a reception visit into a letter and a case (DESIGN §4–5): the visit is recorded
by the reception services (citizens), and a letter received at it is registered and opened as a case here, in the
same transaction, so a visit never stands with a letter received and no case, nor a case without its visit."""

from typing import Unpack

from django.db import transaction

from accounts.models import User
from accounts.roles import Action
from accounts.scoping import require_right
from cases.models import Case
from cases.services import case_open_from_visit
from citizens import services as reception
from citizens.choices import VisitOutcome
from citizens.models import Citizen, ReceptionSession, Visit
from citizens.services import NewCitizen, VisitFields
from core.locking import lock
from core.versions import check_version


@transaction.atomic
def intake_visit_record(
    *,
    user: User,
    session: ReceptionSession,
    citizen: Citizen | None = None,
    new_citizen: NewCitizen | None = None,
    **fields: Unpack[VisitFields],
) -> tuple[Visit, Case | None]:
    """Record a visit; a letter received at it opens its case."""
    visit = reception.visit_record(user=user, session=session, citizen=citizen, new_citizen=new_citizen, **fields)
    case = case_open_from_visit(user=user, visit=visit) if visit.outcome == VisitOutcome.LETTER_RECEIVED else None
    return visit, case


@transaction.atomic
def intake_visit_update(
    *,
    user: User,
    visit: Visit,
    citizen: Citizen | None = None,
    new_citizen: NewCitizen | None = None,
    version: int | None = None,
    **fields: Unpack[VisitFields],
) -> tuple[Visit, Case | None]:
    """Change a visit. A case is opened only when this change is what makes the outcome "letter received": a visit
    recorded with a letter but no case (an imported reception book, whose cases come from the cases register) is not
    given a second, silent one when somebody corrects a typo in it. `version` is the visit's version when the edit
    form was loaded (core.versions): a save that would undo someone else's later change is refused."""
    require_right(user, Action.CHANGE, visit.session.unit_id)
    locked = lock(visit)
    # A new citizen typed in the form is never the one the visit has now.
    given: dict[str, object] = {**fields, "citizen": citizen if citizen is not None else object()}
    # Who came to a protected visit is named as changed, never shown, in the message.
    masked = frozenset({"citizen", "representatives"}) if locked.is_confidential else frozenset()
    check_version(locked, version, given, mask_fields=masked)
    was_letter = Visit.objects.filter(pk=visit.pk, outcome=VisitOutcome.LETTER_RECEIVED).exists()
    visit = reception.visit_update(user=user, visit=visit, citizen=citizen, new_citizen=new_citizen, **fields)
    opens = visit.outcome == VisitOutcome.LETTER_RECEIVED and not was_letter and not reception.visit_has_case(visit)
    return visit, (case_open_from_visit(user=user, visit=visit) if opens else None)
