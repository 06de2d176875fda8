"""Transfers between units (DESIGN §8 "Transfers"): a letter or case outside a unit's competence goes to the
competent body. Inside the system the competent body is another unit: it sees the transfer in its inbox,
acknowledges it, registers it in its own register (a new letter linked to the origin) or returns it with a reason,
and the sender follows the transfer from its letter or case page, reads the result through the link and urges when
the receiver is silent. Outside the system the body is named as free text, as before, and only urging follows.

Services (writes, one transaction each, with history) and selectors (reads) live together here: they are one
feature, used by the views in views_transfers.py and by the letter and case pages.

Choices of the receiving unit are not restricted to the sender's scope (the gate's ScopedForm would do that): the
competent unit lies outside the sender's scope by nature (another ward, the committee above, the City). The
receiver is offered as a name only; the sender gains no access to the receiver's records, and the receiver sees
only the transferred item through the transfer (its inbox is scoped to the units where it may change records).

The sender of the transferred letter (a citizen) is recorded by the sender's unit. Registering copies the person
into the receiver's unit (citizens.services.citizen_find_or_create: the same person by identity number is not
recorded twice), because the receiver's register must stand on its own: its officials cannot change, and may not
even see, the sender unit's citizens. A protected identity stays protected: the new letter is unclassified until
the receiver classifies it, so its sender is masked by the same rule as any letter.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Action
from accounts.scoping import Principal, require_right
from cases.choices import RESOLVED_STATUSES, Channel, LetterDisposition
from cases.models import Case, Letter, Transfer, TransferStatus, TransferUrge
from cases.services import case_transition, letter_dispose, letter_receive
from cases.signals import transfer_moved
from citizens.services import citizen_find_or_create
from core.locking import lock
from core.services import save_with_history
from organizations.models import Unit

# Urging: how many calendar days after the transfer (or the last urge) the sender may urge a receiver that has
# neither acknowledged nor reported a result. Circular 05/2021/TT-TTCP counts letter processing in working days
# (10); calendar days are used here for simplicity, and settings.TRANSFER_URGE_AFTER_DAYS overrides the default.
URGE_AFTER_DAYS = 10


def urge_after_days() -> int:
    return int(getattr(settings, "TRANSFER_URGE_AFTER_DAYS", URGE_AFTER_DAYS))


def receiving_units(*, exclude: int | None = None) -> QuerySet[Unit]:
    """The units a letter or case can be transferred to: today's committees (any ward, the district committees
    that still exist, the City), whatever the sender's scope (see the module's docstring)."""
    units = Unit.objects.committees().order_by("kind", "name")
    return units.exclude(pk=exclude) if exclude else units


def _check_receiver(*, from_unit_id: int, to_unit: Unit | None, outside_body: str) -> str:
    """The receiver's name, or a ValidationError: one of a unit of the system or a body outside it."""
    if to_unit is not None and outside_body:
        raise ValidationError({"outside_body": _("Choose a unit of the system or name a body outside it, not both.")})
    if to_unit is None:
        if not outside_body:
            raise ValidationError({"to_unit": _("Choose the competent unit or name the competent body.")})
        return outside_body
    if to_unit.pk == from_unit_id:
        raise ValidationError({"to_unit": _("A unit cannot transfer to itself.")})
    if not receiving_units().filter(pk=to_unit.pk).exists():
        raise ValidationError({"to_unit": _("Choose a unit that exists today.")})
    return to_unit.name


def _new_transfer(
    *, user: User, from_unit_id: int, to_unit: Unit | None, outside_body: str, reason: str, **record
) -> Transfer:
    transfer = Transfer(
        from_unit_id=from_unit_id,
        to_unit=to_unit,
        outside_body=outside_body,
        reason=reason,
        sent_on=timezone.localdate(),
        sent_by=user,
        **record,
    )
    save_with_history(transfer, user=user)
    _announce(transfer, "sent", user)
    return transfer


def _announce(transfer: Transfer, step: str, user: User) -> None:
    """Tell the features above (overview's notices) once the step has committed; an outside body has no inbox."""
    if transfer.to_unit_id is None:
        return
    transfer_id, actor_id = transfer.pk, user.pk
    transaction.on_commit(
        lambda: transfer_moved.send(sender=Transfer, transfer_id=transfer_id, step=step, actor_id=actor_id),
        robust=True,
    )


def _clean_text(reason: str, field: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({field: message})
    return reason


@transaction.atomic
def transfer_letter(
    *, user: User, letter: Letter, reason: str, to_unit: Unit | None = None, outside_body: str = ""
) -> Transfer:
    """Transfer a classified letter to the competent unit or body. The letter is handled as "transferred" through
    the letter's own rules (letter_dispose: classified first, handled once), with the receiver's name as its
    competent body, on today's date."""
    require_right(user, Action.CHANGE, letter.unit_id)
    outside_body = outside_body.strip()
    reason = _clean_text(reason, "reason", _("Give the reason for the transfer."))
    name = _check_receiver(from_unit_id=letter.unit_id, to_unit=to_unit, outside_body=outside_body)
    letter_dispose(
        user=user,
        letter=letter,
        disposition=LetterDisposition.TRANSFERRED,
        on=timezone.localdate(),
        competent_body=name,
    )
    return _new_transfer(
        user=user, from_unit_id=letter.unit_id, to_unit=to_unit, outside_body=outside_body, reason=reason, letter=letter
    )


@transaction.atomic
def transfer_case(
    *, user: User, case: Case, reason: str, to_unit: Unit | None = None, outside_body: str = ""
) -> Transfer:
    """Send a case to the competent unit or body: the committee above sending an over-level case down, or a unit
    passing on what is not its to handle. The case takes the workflow's "transfer" move (its rules and right), with
    the reason as the move's note."""
    require_right(user, Action.CHANGE, case.unit_id)
    outside_body = outside_body.strip()
    reason = _clean_text(reason, "reason", _("Give the reason for the transfer."))
    name = _check_receiver(from_unit_id=case.unit_id, to_unit=to_unit, outside_body=outside_body)
    case_transition(
        user=user,
        case=case,
        move="transfer",
        note=_("Transferred to {body}: {reason}").format(body=name, reason=reason),
    )
    return _new_transfer(
        user=user, from_unit_id=case.unit_id, to_unit=to_unit, outside_body=outside_body, reason=reason, case=case
    )


def _receiver_step(user: User, transfer: Transfer, allowed: tuple[str, ...]) -> Transfer:
    if transfer.to_unit_id is None:
        raise ValidationError(_("A transfer to a body outside the system is not handled here."))
    require_right(user, Action.CHANGE, transfer.to_unit_id)
    transfer = lock(transfer)  # of two officials acting at once, the second sees what the first did
    if transfer.status not in allowed:
        raise ValidationError(
            _("A transfer that is “{status}” cannot be handled this way.").format(status=transfer.get_status_display())
        )
    return transfer


@transaction.atomic
def transfer_acknowledge(*, user: User, transfer: Transfer) -> Transfer:
    """The receiver acknowledges the transfer: the date it was received (today) is recorded for the sender."""
    transfer = _receiver_step(user, transfer, (TransferStatus.SENT,))
    transfer.status, transfer.received_on, transfer.received_by = TransferStatus.RECEIVED, timezone.localdate(), user
    save_with_history(transfer, user=user)
    _announce(transfer, "received", user)
    return transfer


def _acknowledge_today(transfer: Transfer, user: User) -> None:
    """Registering or returning a transfer not yet acknowledged acknowledges it too, on the same day."""
    if transfer.received_on is None:
        transfer.received_on, transfer.received_by = timezone.localdate(), user


@transaction.atomic
def transfer_register(*, user: User, transfer: Transfer) -> Transfer:
    """The receiver registers the transferred item as a letter of its own register (letter_receive: its number,
    its processing deadline), channel "transferred", with the same content and the sender copied into the
    receiver's unit (see the module's docstring), linked to the origin. The receiver classifies it itself:
    competence and content are its to judge."""
    transfer = _receiver_step(user, transfer, (TransferStatus.SENT, TransferStatus.RECEIVED))
    assert transfer.to_unit is not None  # _receiver_step
    origin = transfer.record
    if isinstance(origin, Letter):
        person, anonymous = origin.sender, origin.is_anonymous or origin.sender_id is None
        title, summary, signers = origin.title, origin.summary, origin.signers_count
    else:
        person, anonymous = origin.complainant, origin.complainant_id is None
        title, summary, signers = "", origin.summary, origin.people_count
    sender = None
    if person is not None and not anonymous:
        sender = citizen_find_or_create(
            user=user,
            unit=transfer.to_unit,
            full_name=person.full_name,
            national_id=person.national_id,
            phone=person.phone,
            address=person.address,
        )
    today = timezone.localdate()
    letter = letter_receive(
        user=user,
        unit=transfer.to_unit,
        received_on=today,
        channel=Channel.TRANSFERRED,
        summary=summary,
        sender=sender,
        is_anonymous=sender is None,
        signers_count=max(signers, 1),
        transferred_from=_("{unit}, {record}").format(unit=transfer.from_unit.name, record=origin)[:300],
        title=title,
    )
    _acknowledge_today(transfer, user)
    transfer.status, transfer.registered_letter = TransferStatus.REGISTERED, letter
    transfer.closed_on, transfer.closed_by = today, user
    save_with_history(transfer, user=user)
    _announce(transfer, "registered", user)
    return transfer


@transaction.atomic
def transfer_return(*, user: User, transfer: Transfer, reason: str) -> Transfer:
    """The receiver returns the transfer (not its competence either, incomplete, sent by mistake): the reason is
    required and shown to the sender. A returned letter is the sender's to handle again: its handling as
    "transferred" is undone (kept in its history, by the one who returned it), so it can be sent elsewhere,
    guided or archived. A returned case keeps its status for now (its workflow has no move back from
    "transferred")."""
    reason = _clean_text(reason, "reason", _("Give the reason for returning it."))
    transfer = _receiver_step(user, transfer, (TransferStatus.SENT, TransferStatus.RECEIVED))
    _acknowledge_today(transfer, user)
    transfer.status, transfer.return_reason = TransferStatus.RETURNED, reason
    transfer.closed_on, transfer.closed_by = timezone.localdate(), user
    save_with_history(transfer, user=user)
    if transfer.letter_id is not None:
        letter = lock(Letter.objects.get(pk=transfer.letter_id))
        if letter.disposition == LetterDisposition.TRANSFERRED and not letter.case_id:
            letter.disposition, letter.disposed_on, letter.competent_body = "", None, ""
            letter._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
            letter.save(update_fields=["disposition", "disposed_on", "competent_body"])
    _announce(transfer, "returned", user)
    return transfer


# Urging ---------------------------------------------------------------------------------------------------------


def urge_clock_start(transfer: Transfer) -> date:
    """Where the urging clock counts from: the last urge, or the transfer."""
    last = max((urge.on for urge in transfer.urges.all()), default=None)
    return last or transfer.sent_on


def urge_possible_from(transfer: Transfer) -> date:
    return urge_clock_start(transfer) + timedelta(days=urge_after_days())


def urge_refusal(transfer: Transfer, today: date) -> str | None:
    """Why the sender may not urge now, or None: a returned transfer, a result already reported, or too early."""
    if transfer.status == TransferStatus.RETURNED:
        return _("The transfer was returned; there is nothing to urge.")
    if transfer_result(transfer) is not None:
        return _("The receiver has reported the result.")
    possible = urge_possible_from(transfer)
    if today < possible:
        return _("The receiver can be urged from {date}.").format(date=possible.strftime("%d/%m/%Y"))
    return None


@transaction.atomic
def transfer_urge(*, user: User, transfer: Transfer, note: str = "") -> TransferUrge:
    """Urge the receiver of a transfer left without acknowledgement or result after the set time: a recorded step
    (date, note), not a change of the letter's handling. Each urge restarts the clock."""
    require_right(user, Action.CHANGE, transfer.from_unit_id)
    transfer = lock(transfer)
    refusal = urge_refusal(transfer, timezone.localdate())
    if refusal:
        raise ValidationError(refusal)
    urge = TransferUrge(transfer=transfer, on=timezone.localdate(), note=note.strip(), user=user)
    save_with_history(urge, user=user)
    _announce(transfer, "urged", user)
    return urge


# Selectors ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransferResult:
    """What the receiver's register says of the transferred item: its case, accepted or concluded, and how."""

    case_number: str
    status: str
    concluded_on: date | None
    outcome: str


def transfer_result(transfer: Transfer) -> TransferResult | None:
    """The result reported back, read through the link (no push): the case the receiver's letter became, once it
    is concluded. Before that, None."""
    letter = transfer.registered_letter
    case = letter.case if letter is not None and letter.case_id else None
    if case is None or case.status not in RESOLVED_STATUSES:
        return None
    return TransferResult(
        case_number=case.number,
        status=case.get_status_display(),
        concluded_on=case.concluded_on,
        outcome=case.get_outcome_display(),
    )


def transfers_inbox(user: Principal) -> QuerySet[Transfer]:
    """The transfers to the units where `user` may change records: the receiver's inbox, waiting ones first."""
    return (
        Transfer.objects.visible_to(user, Action.CHANGE)
        .select_related("from_unit", "to_unit", "letter__sender", "letter__case", "case__complainant")
        .order_by("closed_on", "-sent_on", "-pk")
    )


@dataclass(frozen=True)
class TransferLine:
    """A transfer as the sender's page shows it: its urges, the result read back, and whether it may be urged."""

    transfer: Transfer
    urges: list[TransferUrge]
    result: TransferResult | None
    urge_refused: str | None


def transfers_of(*, letter: Letter | None = None, case: Case | None = None) -> list[TransferLine]:
    """The transfers of a letter or a case, oldest first, for its page (the sender's view)."""
    queryset = Transfer.objects.filter(letter=letter) if letter is not None else Transfer.objects.filter(case=case)
    today = timezone.localdate()
    return [
        TransferLine(
            transfer=transfer,
            urges=list(transfer.urges.all()),
            result=transfer_result(transfer),
            urge_refused=urge_refusal(transfer, today),
        )
        for transfer in queryset.select_related("to_unit", "registered_letter__case")
        .prefetch_related("urges")
        .order_by("sent_on", "pk")
    ]
