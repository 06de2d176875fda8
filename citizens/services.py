"""Writes of the reception register. Each is one transaction that validates before saving and leaves a
history entry (who, when, old → new)."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.confidentiality import check_unprotecting
from accounts.models import User
from accounts.roles import Action
from accounts.scoping import require_right
from citizens.choices import SessionKind, SessionMode, SessionStatus, VisitOutcome
from citizens.delegations import is_mass, mass_threshold
from citizens.models import Citizen, Dialogue, ReceptionSession, Visit
from core.locking import KEEP, Keep, apply_given, lock
from core.models import NumberSequence
from core.services import save_with_history
from core.versions import check_version
from organizations.models import Unit

# Law 136/2025/QH15 allows citizen reception online from this date.
ONLINE_RECEPTION_FROM = date(2026, 7, 1)


def validate_session(session: ReceptionSession) -> None:
    """The rules a session must satisfy beyond its fields' own (online reception only from the law's date, a held
    session not in the future, a head's duty named before it is marked hosted in person). Raises ValidationError by
    field. Public: the reception book's import checks its new sessions with it."""
    errors = {}
    if (
        session.mode == SessionMode.ONLINE
        and session.starts_at
        and timezone.localdate(session.starts_at) < ONLINE_RECEPTION_FROM
    ):
        errors["mode"] = _("Online reception is allowed only from 01/07/2026 (Law 136/2025/QH15).")
    if session.status == SessionStatus.HELD and session.starts_at and session.starts_at > timezone.now():
        errors["starts_at"] = _("A session that has been held cannot be dated in the future.")
    if session.head_in_person and not session.head_position:
        errors["head_position"] = _("Say whose duty the session fulfils before marking it hosted in person.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_create(
    *,
    user: User,
    unit: Unit,
    kind: str,
    starts_at: datetime,
    place: str,
    host_name: str,
    status: str = SessionStatus.HELD,
    mode: str = SessionMode.DIRECT,
    head_position: str = "",
    head_in_person: bool = False,
    host_title: str = "",
    officials_present: str = "",
    minutes: str = "",
) -> ReceptionSession:
    """Record a held session, or schedule one (status "scheduled") for the reception calendar."""
    require_right(user, Action.CHANGE, unit.pk)
    session = ReceptionSession(
        unit=unit,
        created_by=user,
        kind=kind,
        starts_at=starts_at,
        place=place,
        host_name=host_name,
        status=status,
        mode=mode,
        head_position=head_position,
        head_in_person=head_in_person,
        host_title=host_title,
        officials_present=officials_present,
        minutes=minutes,
    )
    validate_session(session)
    year = timezone.localdate(session.starts_at).year
    session.number = f"{NumberSequence.next_value(unit_id=unit.pk, register='session', year=year)}/{year}"
    save_with_history(session, user=user)
    if session.kind == SessionKind.DIALOGUE:
        Dialogue.objects.create(session=session)
    return session


@transaction.atomic
def session_update(
    *,
    user: User,
    session: ReceptionSession,
    unit: Unit | Keep = KEEP,
    kind: str | Keep = KEEP,
    starts_at: datetime | Keep = KEEP,
    place: str | Keep = KEEP,
    host_name: str | Keep = KEEP,
    status: str | Keep = KEEP,
    mode: str | Keep = KEEP,
    head_position: str | Keep = KEEP,
    head_in_person: bool | Keep = KEEP,
    host_title: str | Keep = KEEP,
    officials_present: str | Keep = KEEP,
    minutes: str | Keep = KEEP,
    version: int | None = None,
) -> ReceptionSession:
    """Change a session's particulars (those given). A session stays with the unit that held it: `unit` is accepted
    only as the same unit (the form sends it back disabled). `version` is the session's version when the edit form
    was loaded (core.versions): a save that would undo someone else's later change is refused."""
    require_right(user, Action.CHANGE, session.unit_id)
    session = lock(session)
    if not isinstance(unit, Keep) and unit.pk != session.unit_id:
        raise ValidationError({"unit": _("A session stays with the unit that held it.")})
    given = {
        "kind": kind,
        "starts_at": starts_at,
        "place": place,
        "host_name": host_name,
        "status": status,
        "mode": mode,
        "head_position": head_position,
        "head_in_person": head_in_person,
        "host_title": host_title,
        "officials_present": officials_present,
        "minutes": minutes,
    }
    check_version(session, version, given)
    apply_given(session, given)
    validate_session(session)
    save_with_history(session, user=user)
    if session.kind == SessionKind.DIALOGUE:
        Dialogue.objects.get_or_create(session=session)
    return session


@transaction.atomic
def session_void(*, user: User, session: ReceptionSession, reason: str) -> ReceptionSession:
    """Sessions are never deleted; a session entered by mistake is voided with a reason and kept."""
    require_right(user, Action.CHANGE, session.unit_id)
    session = lock(session)
    if session.is_void:
        raise ValidationError(_("This session has already been voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    session.is_void = True
    session.void_reason = reason.strip()
    # Voiding is how a session stored with an absurd date (before dates were bounded) leaves the register.
    save_with_history(session, user=user, exclude=["starts_at"])
    return session


@transaction.atomic
def citizen_find_or_create(
    *, user: User, unit: Unit, full_name: str, national_id: str = "", phone: str = "", address: str = ""
) -> Citizen:
    """The citizen with this identity number in the unit, or a new one: a repeat visitor is never recorded twice."""
    require_right(user, Action.CHANGE, unit.pk)
    national_id = (national_id or "").strip()
    if national_id:
        existing = Citizen.objects.filter(unit=unit, national_id=national_id).first()
        if existing:
            return existing
    citizen = Citizen(unit=unit, full_name=full_name, national_id=national_id, phone=phone, address=address)
    try:
        # A savepoint: a colleague may be recording the same person at this very moment. Validation passed for
        # both, the unique constraint lets one through, and the other takes the row that one saved.
        with transaction.atomic():
            save_with_history(citizen, user=user)
    except IntegrityError:
        if not national_id:
            raise
        return Citizen.objects.get(unit=unit, national_id=national_id)
    return citizen


def visit_rule_errors(
    *,
    people_count: int | None,
    is_mass_delegation: bool | None,
    outcome: str | None,
    transferred_to: str | None,
    refusal_reason: str | None,
    content_kind: str | None,
) -> dict[str, str]:
    """The rules a visit must satisfy, by field. Shared with the form (whose values may be missing, hence the
    Nones) so every problem shows at once."""
    errors: dict[str, str] = {}
    if people_count is not None and people_count < 1:
        errors["people_count"] = _("A visit has at least one person.")
    elif people_count is not None and is_mass_delegation and not is_mass(people_count):
        errors["is_mass_delegation"] = _(
            "A mass delegation has at least {threshold} people on one matter; this group has {count}."
        ).format(threshold=mass_threshold(), count=people_count)
    if outcome == VisitOutcome.TRANSFERRED and not (transferred_to or "").strip():
        errors["transferred_to"] = _("Say which body the matter was transferred to.")
    if outcome == VisitOutcome.REFUSED and not (refusal_reason or "").strip():
        errors["refusal_reason"] = _("Give the reason for refusing to receive.")
    if outcome == VisitOutcome.LETTER_RECEIVED and not content_kind:
        errors["content_kind"] = _(
            "Say whether the letter is a complaint, a denunciation, a recommendation or feedback."
        )
    return errors


def _validate_visit(visit: Visit) -> None:
    errors = visit_rule_errors(
        people_count=visit.people_count,
        is_mass_delegation=visit.is_mass_delegation,
        outcome=visit.outcome,
        transferred_to=visit.transferred_to,
        refusal_reason=visit.refusal_reason,
        content_kind=visit.content_kind,
    )
    if errors:
        raise ValidationError(errors)


def _check_session_open(session: ReceptionSession) -> None:
    if session.is_void:
        raise ValidationError(_("This session has been voided; visits can no longer be recorded."))
    if session.status != SessionStatus.HELD:
        raise ValidationError(_("Visits are recorded only for a session that has been held."))


class NewCitizen(TypedDict, total=False):
    """A citizen entered on the visit form (the lookup found nobody)."""

    full_name: str
    national_id: str
    phone: str
    address: str


class VisitFields(TypedDict, total=False):
    """What a visit records besides its session and citizen: the visit form's fields, by name. An update changes
    only the fields it is given."""

    people_count: int
    is_mass_delegation: bool
    representatives: str
    content: str
    content_kind: str
    field: models.Model  # a cases.CaseField: the cases app sits above this one
    is_repeat: bool
    outcome: str
    transferred_to: str
    refusal_reason: str


def _resolve_citizen(*, user: User, unit: Unit, citizen: Citizen | None, new_citizen: NewCitizen | None) -> Citizen:
    if citizen is not None:
        return citizen
    if not new_citizen or not (new_citizen.get("full_name") or "").strip():
        raise ValidationError(
            {"new_full_name": _("Choose a citizen found above, or enter the new citizen's full name.")}
        )
    return citizen_find_or_create(user=user, unit=unit, **new_citizen)


def visit_has_case(visit: Visit) -> bool:
    """Whether a case was opened from this visit (the case points at its visit)."""
    return Visit.objects.filter(pk=visit.pk, opened_case__isnull=False).exists()


@transaction.atomic
def visit_record(
    *,
    user: User,
    session: ReceptionSession,
    citizen: Citizen | None = None,
    new_citizen: NewCitizen | None = None,
    **fields: Unpack[VisitFields],
) -> Visit:
    """Record a visit, by a known citizen or one entered now. A group large enough (citizens.delegations) is marked
    a mass delegation; a citizen seen before is marked a repeat visitor. All or nothing: a bad visit leaves
    no new citizen behind. (A received letter opens a case: cases.intake records the visit through this and opens
    it in the same transaction.)"""
    require_right(user, Action.CHANGE, session.unit_id)
    session = lock(session)  # a visit is added to the session as it is now, not as the page loaded it
    _check_session_open(session)
    citizen = _resolve_citizen(user=user, unit=session.unit, citizen=citizen, new_citizen=new_citizen)
    visit = Visit(session=session, citizen=citizen, created_by=user)
    apply_given(visit, fields)
    if is_mass(visit.people_count):
        visit.is_mass_delegation = True
    if Visit.objects.active().filter(citizen=citizen).exists():
        visit.is_repeat = True
    _validate_visit(visit)
    save_with_history(visit, user=user)
    return visit


@transaction.atomic
def visit_update(
    *,
    user: User,
    visit: Visit,
    citizen: Citizen | None = None,
    new_citizen: NewCitizen | None = None,
    **fields: Unpack[VisitFields],
) -> Visit:
    require_right(user, Action.CHANGE, visit.session.unit_id)
    visit = lock(visit, "session")
    _check_session_open(visit.session)
    had_case = visit_has_case(visit)
    kind_before, was_protected = visit.content_kind, visit.is_confidential
    visit.citizen = _resolve_citizen(user=user, unit=visit.session.unit, citizen=citizen, new_citizen=new_citizen)
    apply_given(visit, fields)
    if is_mass(visit.people_count):
        visit.is_mass_delegation = True
    _validate_visit(visit)
    if had_case and visit.outcome != VisitOutcome.LETTER_RECEIVED:
        raise ValidationError({"outcome": _("A case was opened from this visit; its outcome stays “letter received”.")})
    check_unprotecting(
        user,
        record=visit,
        unit_id=visit.session.unit_id,
        was_protected=was_protected,
        is_protected=visit.is_confidential,
        field="content_kind",
    )
    if had_case and visit.content_kind != kind_before:
        # The case took its kind from the visit; the two would disagree (and a denunciation could be unmasked on
        # one while masked on the other). The kind is changed on the case, where it restarts the deadlines.
        raise ValidationError(
            {"content_kind": _("A case was opened from this visit; change the nature of the content on the case.")}
        )
    save_with_history(visit, user=user)
    return visit


@transaction.atomic
def visit_void(*, user: User, visit: Visit, reason: str) -> Visit:
    require_right(user, Action.CHANGE, visit.session.unit_id)
    visit = lock(visit)
    if visit.is_void:
        raise ValidationError(_("This visit has already been voided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    if visit_has_case(visit):
        raise ValidationError(_("A case was opened from this visit; it cannot be voided."))
    visit.is_void = True
    visit.void_reason = reason.strip()
    save_with_history(visit, user=user)
    return visit


@transaction.atomic
def dialogue_update(
    *,
    user: User,
    dialogue: Dialogue,
    cases: Iterable[models.Model] | None = None,  # cases.Case rows
    authority_side: str | Keep = KEEP,
    citizen_side: str | Keep = KEEP,
    content: str | Keep = KEEP,
    result: str | Keep = KEEP,
) -> Dialogue:
    """Record who took part in a dialogue, what was discussed and the result, and which cases it concerned."""
    require_right(user, Action.CHANGE, dialogue.session.unit_id)
    dialogue = lock(dialogue, "session")
    if dialogue.closed_at:
        raise ValidationError(_("This dialogue is closed; its record can no longer be changed."))
    apply_given(
        dialogue,
        {"authority_side": authority_side, "citizen_side": citizen_side, "content": content, "result": result},
    )
    save_with_history(dialogue, user=user)
    if cases is not None:
        # Cases of the cases app, which this layer may not name: typed as any model here.
        dialogue.cases.set(cases)  # type: ignore[arg-type]
    return dialogue


@transaction.atomic
def dialogue_close(*, user: User, dialogue: Dialogue, minutes: str, attendees_count: int | None) -> Dialogue:
    """A dialogue is closed with its minutes (kept on the session) and the number of attendees."""
    require_right(user, Action.CHANGE, dialogue.session.unit_id)
    dialogue = lock(dialogue)
    if dialogue.closed_at:
        raise ValidationError(_("This dialogue is already closed."))
    errors = {}
    if not (minutes or "").strip():
        errors["minutes"] = _("Attach the minutes of the dialogue before closing it.")
    if not attendees_count or attendees_count < 1:
        errors["attendees_count"] = _("Enter how many people attended.")
    if errors:
        raise ValidationError(errors)
    session = lock(dialogue.session)
    session.minutes = minutes.strip()
    save_with_history(session, user=user)
    dialogue.attendees_count = attendees_count
    dialogue.closed_at = timezone.now()
    save_with_history(dialogue, user=user)
    return dialogue
