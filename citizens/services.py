"""Writes of the reception register. Each is one transaction that validates before saving and leaves a
history entry (who, when, old → new)."""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action
from accounts.scoping import require_right
from citizens.choices import SessionKind, SessionMode, SessionStatus, VisitOutcome
from citizens.models import Citizen, Dialogue, ReceptionSession, Visit
from core.models import NumberSequence
from core.services import save_with_history
from organizations.models import Unit


def _apply(instance, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


# Law 136/2025/QH15 allows citizen reception online from this date.
ONLINE_RECEPTION_FROM = date(2026, 7, 1)


def _validate_session(session: ReceptionSession) -> None:
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
def session_create(*, user, unit: Unit, **fields: Any) -> ReceptionSession:
    """Record a held session, or schedule one (status "scheduled") for the reception calendar."""
    require_right(user, Action.CHANGE, unit.pk)
    session = ReceptionSession(unit=unit, created_by=user)
    _apply(session, fields)
    _validate_session(session)
    year = timezone.localdate(session.starts_at).year
    session.number = f"{NumberSequence.next_value(unit_id=unit.pk, register='session', year=year)}/{year}"
    save_with_history(session, user=user)
    if session.kind == SessionKind.DIALOGUE:
        Dialogue.objects.create(session=session)
    return session


@transaction.atomic
def session_update(*, user, session: ReceptionSession, **fields: Any) -> ReceptionSession:
    require_right(user, Action.CHANGE, session.unit_id)
    session = ReceptionSession.objects.select_for_update().get(pk=session.pk)
    _apply(session, fields)
    _validate_session(session)
    save_with_history(session, user=user)
    if session.kind == SessionKind.DIALOGUE:
        Dialogue.objects.get_or_create(session=session)
    return session


@transaction.atomic
def session_void(*, user, session: ReceptionSession, reason: str) -> ReceptionSession:
    """Sessions are never deleted; a session entered by mistake is voided with a reason and kept."""
    require_right(user, Action.CHANGE, session.unit_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    session.is_void = True
    session.void_reason = reason.strip()
    save_with_history(session, user=user)
    return session


@transaction.atomic
def citizen_find_or_create(*, user, unit: Unit, **fields: Any) -> Citizen:
    """The citizen with this identity number in the unit, or a new one: a repeat visitor is never recorded twice."""
    require_right(user, Action.CHANGE, unit.pk)
    national_id = (fields.get("national_id") or "").strip()
    if national_id:
        existing = Citizen.objects.filter(unit=unit, national_id=national_id).first()
        if existing:
            return existing
    citizen = Citizen(unit=unit)
    _apply(citizen, fields)
    save_with_history(citizen, user=user)
    return citizen


def visit_rule_errors(
    *, people_count, is_mass_delegation, outcome, transferred_to, refusal_reason, content_kind
) -> dict[str, str]:
    """The rules a visit must satisfy, by field. Shared with the form so every problem shows at once."""
    errors = {}
    threshold = settings.DELEGATION_THRESHOLD
    if people_count is not None and people_count < 1:
        errors["people_count"] = _("A visit has at least one person.")
    elif people_count is not None and is_mass_delegation and people_count < threshold:
        errors["is_mass_delegation"] = _(
            "A mass delegation has at least {threshold} people on one matter; this group has {count}."
        ).format(threshold=threshold, count=people_count)
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


def _resolve_citizen(*, user, unit: Unit, citizen: Citizen | None, new_citizen: dict | None) -> Citizen:
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
    *, user, session: ReceptionSession, citizen: Citizen | None = None, new_citizen: dict | None = None, **fields: Any
) -> Visit:
    """Record a visit, by a known citizen or one entered now. A group of DELEGATION_THRESHOLD people or more is
    marked a mass delegation; a citizen seen before is marked a repeat visitor. All or nothing: a bad visit leaves
    no new citizen behind. (A received letter opens a case: cases.intake records the visit through this and opens
    it in the same transaction.)"""
    require_right(user, Action.CHANGE, session.unit_id)
    _check_session_open(session)
    citizen = _resolve_citizen(user=user, unit=session.unit, citizen=citizen, new_citizen=new_citizen)
    visit = Visit(session=session, citizen=citizen, created_by=user)
    _apply(visit, fields)
    if visit.people_count and visit.people_count >= settings.DELEGATION_THRESHOLD:
        visit.is_mass_delegation = True
    if Visit.objects.active().filter(citizen=citizen).exists():
        visit.is_repeat = True
    _validate_visit(visit)
    save_with_history(visit, user=user)
    return visit


@transaction.atomic
def visit_update(
    *, user, visit: Visit, citizen: Citizen | None = None, new_citizen: dict | None = None, **fields: Any
) -> Visit:
    require_right(user, Action.CHANGE, visit.session.unit_id)
    visit = Visit.objects.select_for_update().select_related("session").get(pk=visit.pk)
    _check_session_open(visit.session)
    had_case = visit_has_case(visit)
    visit.citizen = _resolve_citizen(user=user, unit=visit.session.unit, citizen=citizen, new_citizen=new_citizen)
    _apply(visit, fields)
    if visit.people_count and visit.people_count >= settings.DELEGATION_THRESHOLD:
        visit.is_mass_delegation = True
    _validate_visit(visit)
    if had_case and visit.outcome != VisitOutcome.LETTER_RECEIVED:
        raise ValidationError({"outcome": _("A case was opened from this visit; its outcome stays “letter received”.")})
    save_with_history(visit, user=user)
    return visit


@transaction.atomic
def visit_void(*, user, visit: Visit, reason: str) -> Visit:
    require_right(user, Action.CHANGE, visit.session.unit_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    if visit_has_case(visit):
        raise ValidationError(_("A case was opened from this visit; it cannot be voided."))
    visit.is_void = True
    visit.void_reason = reason.strip()
    save_with_history(visit, user=user)
    return visit


@transaction.atomic
def dialogue_update(*, user, dialogue: Dialogue, cases=None, **fields: Any) -> Dialogue:
    require_right(user, Action.CHANGE, dialogue.session.unit_id)
    if dialogue.closed_at:
        raise ValidationError(_("This dialogue is closed; its record can no longer be changed."))
    _apply(dialogue, fields)
    save_with_history(dialogue, user=user)
    if cases is not None:
        dialogue.cases.set(cases)
    return dialogue


@transaction.atomic
def dialogue_close(*, user, dialogue: Dialogue, minutes: str, attendees_count: int | None) -> Dialogue:
    """A dialogue is closed with its minutes (kept on the session) and the number of attendees."""
    require_right(user, Action.CHANGE, dialogue.session.unit_id)
    errors = {}
    if not (minutes or "").strip():
        errors["minutes"] = _("Attach the minutes of the dialogue before closing it.")
    if not attendees_count or attendees_count < 1:
        errors["attendees_count"] = _("Enter how many people attended.")
    if errors:
        raise ValidationError(errors)
    session = dialogue.session
    session.minutes = minutes.strip()
    save_with_history(session, user=user)
    dialogue.attendees_count = attendees_count
    dialogue.closed_at = timezone.now()
    save_with_history(dialogue, user=user)
    return dialogue
