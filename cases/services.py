"""Writes of letters and cases. Each is one transaction that checks the right, validates, saves, and writes
the case's timeline event (and the model history) in the same transaction."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.confidentiality import check_unprotecting
from accounts.models import User
from accounts.roles import Action
from accounts.scoping import Principal, has_right, require_right
from cases.attachments import attachment_add
from cases.choices import (
    OPEN_STATUSES,
    ArchiveReason,
    Attempt,
    CaseKind,
    Channel,
    Complexity,
    DeadlineStep,
    EventKind,
    LetterContent,
    LetterDisposition,
    Outcome,
)
from cases.deadlines import (
    AWAITING_INTAKE,
    DeadlinePlanner,
    deadline_start,
    deadlines_meet,
    deadlines_replan,
    intake_step,
    letter_due_on,
    refresh_due_on,
)
from cases.flags import DESIGNATION_FIELDS, designated_flag_is_on
from cases.models import (
    Case,
    CaseDeadline,
    CaseDesignation,
    CaseEvent,
    CaseField,
    DeadlineExtension,
    Letter,
    Note,
)
from cases.signals import case_assigned
from cases.workflow import MOVES, second_time_refusal
from citizens.models import Citizen, Visit
from core.locking import KEEP, Keep, apply_given, lock
from core.models import NumberSequence
from core.services import save_with_history
from core.versions import check_version
from organizations.models import Unit


def one_year_after(day: date) -> date:
    """Archived letters are kept one year (Circular 05/2021/TT-TTCP); 29 February rolls to 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def register_number(*, unit_id: int, register: str, year: int) -> str:
    """The next number of one of the unit's registers for the year, e.g. "12/2026"."""
    return f"{NumberSequence.next_value(unit_id=unit_id, register=register, year=year)}/{year}"


def _event(case: Case, user: User, kind: str, note: str = "", from_status: str = "", to_status: str = "") -> None:
    CaseEvent.objects.create(case=case, user=user, kind=kind, note=note, from_status=from_status, to_status=to_status)


# Letters -------------------------------------------------------------------------------------------------------


@transaction.atomic
def letter_receive(
    *,
    user: User,
    unit: Unit,
    received_on: date,
    channel: str,
    summary: str,
    sender: Citizen | None = None,
    is_anonymous: bool = False,
    signers_count: int = 1,
    transferred_from: str = "",
    title: str = "",
    source_visit: Visit | None = None,
    content: str = "",
    field: CaseField | None = None,
    is_processable: bool | None = None,
    missing_element: str = "",
    within_competence: bool | None = None,
) -> Letter:
    """Register a letter received by post, by transfer, online or at a reception visit. A letter whose content
    is clear at once comes with its classification, `content` to `within_competence`: whoever registers it knows
    what it says, so it is never shown unclassified. Otherwise `letter_classify` records it later, and until then
    its sender is protected as a possible denouncer."""
    require_right(user, Action.CHANGE, unit.pk)
    letter = Letter(
        unit=unit,
        created_by=user,
        received_on=received_on,
        channel=channel,
        summary=summary,
        sender=sender,
        is_anonymous=is_anonymous,
        signers_count=signers_count,
        transferred_from=transferred_from,
        title=title,
        source_visit=source_visit,
        content=content,
        field=field,
        is_processable=is_processable,
        missing_element=missing_element.strip(),
        within_competence=within_competence,
    )
    if content:
        _check_classification(field=field, is_processable=bool(is_processable), missing_element=missing_element)
    if sender is None and not is_anonymous:
        raise ValidationError({"sender": _("Choose the sender, or mark the letter anonymous.")})
    if sender is not None and not has_right(user, Action.CHANGE, sender.unit_id):
        raise ValidationError({"sender": _("This citizen is recorded by another unit.")})
    letter.number = register_number(unit_id=unit.pk, register="letter", year=letter.received_on.year)
    letter.due_on = letter_due_on(received_on)
    save_with_history(letter, user=user)
    return letter


def _check_classification(*, field: CaseField | None, is_processable: bool, missing_element: str) -> None:
    if field is None:
        raise ValidationError({"field": _("Choose the field of the letter.")})
    if not is_processable and not missing_element.strip():
        raise ValidationError({"missing_element": _("Say what makes the letter unprocessable.")})


@transaction.atomic
def letter_classify(
    *,
    user: User,
    letter: Letter,
    content: str,
    field: CaseField | None,
    is_processable: bool,
    missing_element: str = "",
    within_competence: bool | None = None,
) -> Letter:
    """Classify by content, not title (Circular 05/2021/TT-TTCP): complaint, denunciation, recommendation,
    feedback or several; processable or not (with what is missing); within competence or not. A letter not yet
    classified protects its sender: only someone who may see identities classifies it as something other than a
    denunciation (check_unprotecting)."""
    require_right(user, Action.CHANGE, letter.unit_id)
    letter = lock(letter)  # a letter handled meanwhile keeps the classification it was handled under
    if letter.disposition:
        raise ValidationError(_("This letter has already been handled; its classification can no longer change."))
    _check_classification(field=field, is_processable=is_processable, missing_element=missing_element)
    was_protected = letter.is_confidential
    letter.content, letter.field, letter.is_processable = content, field, is_processable
    check_unprotecting(
        user,
        record=letter,
        unit_id=letter.unit_id,
        was_protected=was_protected,
        is_protected=letter.is_confidential,
        field="content",
    )
    letter.missing_element, letter.within_competence = missing_element.strip(), within_competence
    save_with_history(letter, user=user)
    return letter


@transaction.atomic
def letter_dispose(
    *,
    user: User,
    letter: Letter,
    disposition: str,
    on: date,
    competent_body: str = "",
    archive_reason: str = "",
    case: Case | None = None,
    kind: str = "",
) -> Letter:
    """Decide what happens to a classified letter: open a case (or join an existing one), guide the sender,
    transfer it, urge the competent body, or archive it (kept one year). `kind` is the kind of the case a
    letter of several contents opens."""
    require_right(user, Action.CHANGE, letter.unit_id)
    # Locked, the letter before the case it joins: of two officials handling one letter at once, the second is
    # told it is handled instead of opening a second case; a case closed meanwhile is not joined.
    letter = lock(letter)
    if case is not None:
        case = lock(case)
    if letter.disposition:
        raise ValidationError(_("This letter has already been handled."))
    if not letter.content:
        raise ValidationError(_("Classify the letter by its content first."))
    errors = {}
    if disposition in (LetterDisposition.TRANSFERRED, LetterDisposition.URGED, LetterDisposition.GUIDED) and not (
        competent_body.strip()
    ):
        errors["competent_body"] = _("Name the competent body.")
    if disposition == LetterDisposition.ARCHIVED and archive_reason not in ArchiveReason.values:
        errors["archive_reason"] = _("Give the reason for archiving.")
    if on < letter.received_on or on > timezone.localdate():
        errors["on"] = _("The date must be between the date of receipt and today.")
    if disposition == LetterDisposition.CASE:
        if case is not None and (
            case.unit_id != letter.unit_id or case.is_void or case.merged_into_id or case.status not in OPEN_STATUSES
        ):
            errors["case"] = _("Choose an open case of the same unit.")
        if letter.within_competence is False:
            errors["disposition"] = _("A letter outside the unit's competence is guided, transferred or urged.")
        elif not letter.is_processable:
            errors["disposition"] = _("An unprocessable letter cannot become a case; archive it or guide the sender.")
        elif letter.is_anonymous and letter.content != LetterContent.DENUNCIATION:
            errors["disposition"] = _(
                "Anonymous letters are archived, except a denunciation with concrete, verifiable content."
            )
    if errors:
        raise ValidationError(errors)
    letter.disposition, letter.disposed_on, letter.competent_body = disposition, on, competent_body.strip()
    if disposition == LetterDisposition.ARCHIVED:
        letter.archive_reason = archive_reason
        letter.retain_until = one_year_after(on)
    if disposition == LetterDisposition.CASE:
        if case is not None:
            _event(case, user, EventKind.NOTE, note=_("{letter} joined this case").format(letter=letter))
        letter.case = case or case_open_from_letter(user=user, letter=letter, kind=kind)
    save_with_history(letter, user=user)
    return letter


# Cases ---------------------------------------------------------------------------------------------------------


def _new_case(
    *,
    user: User,
    unit_id: int,
    kind: str,
    field: CaseField | None,
    channel: str,
    received_on: date,
    summary: str,
    people_count: int,
    complainant: Citizen | None,
    source_visit: Visit | None = None,
    attempt: str = Attempt.FIRST,
    previous_case: Case | None = None,
    respondent: str = "",
    complexity: str = Complexity.NORMAL,
    is_remote_area: bool = False,
) -> Case:
    require_right(user, Action.CHANGE, unit_id)
    case = Case(
        unit_id=unit_id,
        created_by=user,
        kind=kind,
        field=field,
        channel=channel,
        received_on=received_on,
        summary=summary,
        people_count=people_count,
        complainant=complainant,
        source_visit=source_visit,
        attempt=attempt,
        previous_case=previous_case,
        respondent=respondent,
        complexity=complexity,
        is_remote_area=is_remote_area,
    )
    case.number = register_number(unit_id=unit_id, register="case", year=case.received_on.year)
    case.refresh_identity_text()
    save_with_history(case, user=user)
    _event(case, user, EventKind.CREATED, to_status=case.status)
    deadline_start(case=case, user=user, step=intake_step(case.kind), counted_from=case.received_on)
    case.save(update_fields=["due_on"])
    return case


@transaction.atomic
def case_open_from_letter(*, user: User, letter: Letter, kind: str = "") -> Case:
    """Open a case from a letter; its kind follows the letter's content (several contents: the caller says). A
    protected letter (several contents) opening a case of another kind than a denunciation shows its sender on that
    case: only someone who may see the identity may do it (check_unprotecting)."""
    kind = kind or (letter.content if letter.content in CaseKind.values else CaseKind.COMPLAINT)
    if letter.sender_id is not None:
        check_unprotecting(
            user,
            record=letter,
            unit_id=letter.unit_id,
            was_protected=letter.is_confidential,
            is_protected=kind == CaseKind.DENUNCIATION,
            field="kind",
        )
    return _new_case(
        user=user,
        unit_id=letter.unit_id,
        kind=kind,
        field=letter.field,
        channel=letter.channel,
        received_on=letter.received_on,
        summary=letter.summary,
        people_count=letter.signers_count,
        complainant=letter.sender,
        source_visit=letter.source_visit
        if letter.source_visit_id and not Case.objects.filter(source_visit=letter.source_visit_id).exists()
        else None,
    )


@transaction.atomic
def case_open_from_visit(*, user: User, visit: Visit) -> Case:
    """A letter received at a reception visit: register the letter and open its case, pre-filled from the visit."""
    session = visit.session
    received_on = timezone.localdate(session.starts_at)
    letter = letter_receive(
        user=user,
        unit=session.unit,
        received_on=received_on,
        channel=Channel.RECEPTION,
        source_visit=visit,
        sender=visit.citizen,
        signers_count=visit.people_count,
        summary=visit.content,
        content=visit.content_kind or LetterContent.FEEDBACK,
        field=visit.field,
        is_processable=True,
        within_competence=True,
    )
    case = _new_case(
        user=user,
        unit_id=session.unit_id,
        kind=visit.content_kind or CaseKind.FEEDBACK,
        field=visit.field,
        channel=Channel.RECEPTION,
        received_on=received_on,
        summary=visit.content,
        people_count=visit.people_count,
        complainant=visit.citizen,
        source_visit=visit,
    )
    letter.disposition, letter.disposed_on, letter.case = LetterDisposition.CASE, received_on, case
    save_with_history(letter, user=user)
    return case


@transaction.atomic
def case_update(
    *,
    user: User,
    case: Case,
    kind: str | Keep = KEEP,
    field: CaseField | Keep = KEEP,
    summary: str | Keep = KEEP,
    people_count: int | Keep = KEEP,
    other_complainants: str | Keep = KEEP,
    respondent: str | Keep = KEEP,
    complexity: str | Keep = KEEP,
    is_remote_area: bool | Keep = KEEP,
    money_returned: Decimal | Keep | None = KEEP,
    land_returned: Decimal | Keep | None = KEEP,
    people_disciplined: int | Keep | None = KEEP,
    result_notes: str | Keep = KEEP,
    version: int | None = None,
) -> Case:
    """Change a case's particulars (those given; the others keep their value). A change of kind before
    acceptance restarts the intake deadline. `version` is the case's version when the edit form was loaded
    (core.versions): a save that would undo someone else's later change is refused with what they changed. A change
    of kind, complexity or area chooses again the rule of each open deadline (deadlines_replan): a complaint found
    complex after acceptance gets the longer period, counted from acceptance as before."""
    require_right(user, Action.CHANGE, case.unit_id)
    case = lock(case)
    old_kind, was_protected = case.kind, case.is_confidential
    old_profile = (case.kind, case.complexity, case.is_remote_area)
    given = {
        "kind": kind,
        "field": field,
        "summary": summary,
        "people_count": people_count,
        "other_complainants": other_complainants,
        "respondent": respondent,
        "complexity": complexity,
        "is_remote_area": is_remote_area,
        "money_returned": money_returned,
        "land_returned": land_returned,
        "people_disciplined": people_disciplined,
        "result_notes": result_notes,
    }
    check_version(case, version, given, mask_fields=frozenset({"other_complainants"}) if was_protected else frozenset())
    apply_given(case, given)
    check_unprotecting(
        user,
        record=case,
        unit_id=case.unit_id,
        was_protected=was_protected,
        is_protected=case.is_confidential,
        field="kind",
    )
    case.refresh_identity_text()
    if (case.kind, case.complexity, case.is_remote_area) != old_profile:
        deadlines_replan(case=case, user=user)  # the new due date saved with the change, in one history entry
    save_with_history(case, user=user)
    if case.kind != old_kind and case.status in AWAITING_INTAKE:
        deadlines_meet(case=case, steps=[intake_step(old_kind)], on=timezone.localdate())
        deadline_start(case=case, user=user, step=intake_step(case.kind), counted_from=case.received_on)
        case.save(update_fields=["due_on"])
    return case


@transaction.atomic
def case_transition(
    *, user: User, case: Case, move: str, on: date | None = None, note: str = "", outcome: str = ""
) -> Case:
    """Move a case along its workflow. Each move has the statuses it starts from and the right it needs;
    acceptance starts the resolution deadline, conclusion needs an outcome and meets it."""
    step = MOVES.get(move)
    if step is None:
        raise ValidationError(_("Unknown action."))
    if not has_right(user, step.right, case.unit_id):
        raise PermissionDenied(_("You do not have the right to do this for this unit."))
    # The move is checked against the locked row: of two officials moving one case at once, the second sees the
    # status the first left and is refused if the move no longer starts from it.
    case = lock(case)
    if case.status not in step.sources:
        raise ValidationError(
            _("A case that is “{status}” cannot be moved this way.").format(status=case.get_status_display())
        )
    if case.merged_into_id or case.is_void:
        raise ValidationError(_("This case is merged or voided; handle the case it was merged into."))
    on = on or timezone.localdate()
    if on < case.received_on or on > timezone.localdate():
        raise ValidationError({"on": _("The date must be between the date of receipt and today.")})
    if step.needs_note and not note.strip():
        raise ValidationError({"note": _("Give the reason or the decision.")})
    if move == "conclude" and outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the case.")})
    old_status = case.status
    case.status = step.target
    if move == "accept":
        case.accepted_on = on
        deadlines_meet(case=case, steps=[intake_step(case.kind), DeadlineStep.LETTER_PROCESSING], on=on)
        deadline_start(case=case, user=user, step=DeadlineStep.RESOLVE, counted_from=on)
    elif move in ("not_accept", "transfer", "archive"):
        deadlines_meet(case=case, steps=[intake_step(case.kind), DeadlineStep.LETTER_PROCESSING], on=on)
    elif move == "conclude":
        case.concluded_on, case.outcome = on, outcome
        deadlines_meet(case=case, steps=[DeadlineStep.RESOLVE], on=on)
    elif move == "close":
        case.closed_on = on
        deadlines_meet(case=case, steps=DeadlineStep.values, on=on)
    save_with_history(case, user=user)
    _event(case, user, EventKind.TRANSITION, note=note.strip(), from_status=old_status, to_status=case.status)
    return case


@transaction.atomic
def case_record_decision(
    *,
    user: User,
    case: Case,
    decision_number: str,
    decided_on: date | None,
    signer: str,
    outcome: str,
    document: UploadedFile | None,
) -> Case:
    """Record a conclusion or decision the competent person (the chairman, the secretary) signed on paper: its
    number, date, signer, outcome and the signed scan (DESIGN §8 "Recording vs deciding"). The register keeper
    records it with the RECORD right; approving in the app ("conclude") stays the APPROVE right's. The case is
    concluded on the decision's date, which meets the resolution deadline and is the date the reports count it
    resolved on. All or nothing: a scan refused by the upload checks leaves the case as it was."""
    require_right(user, Action.RECORD, case.unit_id)
    case = lock(case)  # of two keepers recording at once, the second sees the case concluded and is refused
    conclude = MOVES["conclude"]
    if case.merged_into_id or case.is_void:
        raise ValidationError(_("This case is merged or voided; handle the case it was merged into."))
    if case.status not in conclude.sources:
        raise ValidationError(
            _("A case that is “{status}” cannot be moved this way.").format(status=case.get_status_display())
        )
    decision_number, signer = decision_number.strip(), signer.strip()
    errors = {}
    if not decision_number:
        errors["decision_number"] = _("Enter the number of the signed conclusion or decision.")
    if not signer:
        errors["signer"] = _("Enter who signed the conclusion or decision.")
    start = case.accepted_on or case.received_on
    if decided_on is None:
        errors["decided_on"] = _("Enter the date the conclusion or decision was signed.")
    elif decided_on < start or decided_on > timezone.localdate():
        errors["decided_on"] = _("The date must be between the date of acceptance ({date}) and today.").format(
            date=start.strftime("%d/%m/%Y")
        )
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose the outcome of the case.")
    if document is None:
        errors["document"] = _("Attach the scan of the signed conclusion or decision.")
    if errors:
        raise ValidationError(errors)
    assert decided_on is not None and document is not None  # checked above
    old_status = case.status
    case.status, case.concluded_on, case.outcome = conclude.target, decided_on, outcome
    case.decision_number, case.decision_signer = decision_number, signer
    deadlines_meet(case=case, steps=[DeadlineStep.RESOLVE], on=decided_on)
    save_with_history(case, user=user)
    _event(
        case,
        user,
        EventKind.TRANSITION,
        note=_("Recorded by {recorder}: decision {number} of {date}, signed by {signer}.").format(
            recorder=user, number=decision_number, date=decided_on.strftime("%d/%m/%Y"), signer=signer
        ),
        from_status=old_status,
        to_status=case.status,
    )
    # Last: the scan is checked (type, size, content, virus) and stored only once everything else holds; a
    # refusal raises, and the transaction takes the conclusion back with it.
    attachment_add(
        user=user,
        case=case,
        upload=document,
        description=_("Signed decision {number}").format(number=decision_number),
        right=Action.RECORD,
        field="document",
    )
    return case


def may_write_notes(user: Principal, unit_id: int) -> bool:
    """Who writes internal notes on a unit's records: whoever changes them or records decisions for them."""
    return has_right(user, Action.CHANGE, unit_id) or has_right(user, Action.RECORD, unit_id)


@transaction.atomic
def note_add(*, user: User, text: str, case: Case | None = None, letter: Letter | None = None) -> Note:
    """Write an internal note on a case or a letter (exactly one). Notes are kept, never deleted; they are shown
    to whoever sees the record and are not searched."""
    parent = case if case is not None else letter
    if parent is None or (case is not None and letter is not None):
        raise ValueError("A note belongs to exactly one of a case or a letter.")
    if not may_write_notes(user, parent.unit_id):
        raise PermissionDenied(_("You do not have the right to do this for this unit."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    note = Note(unit_id=parent.unit_id, case=case, letter=letter, text=text, author=user)
    save_with_history(note, user=user)
    return note


@transaction.atomic
def case_assign(*, user: User, case: Case, handler: User | None) -> Case:
    """Assign the handler: only someone who may change records of the case's unit."""
    require_right(user, Action.CHANGE, case.unit_id)
    case = lock(case)
    if handler is not None and not has_right(handler, Action.CHANGE, case.unit_id):
        raise ValidationError({"handler": _("This person cannot handle cases of this unit.")})
    case.handler = handler
    save_with_history(case, user=user)
    _event(case, user, EventKind.ASSIGNED, note=str(handler) if handler else _("unassigned"))
    if handler is not None:
        # Announced once the assignment is committed (overview tells the new handler); a failure of a listener is
        # logged and does not undo the assignment.
        case_id, handler_id, actor_id = case.pk, handler.pk, user.pk
        transaction.on_commit(
            lambda: case_assigned.send(sender=Case, case_id=case_id, handler_id=handler_id, actor_id=actor_id),
            robust=True,
        )
    return case


@transaction.atomic
def case_extend_deadline(*, user: User, case: Case, step: str, decision_number: str, reason: str) -> CaseDeadline:
    """Extend a deadline by a recorded decision, only as often and by as much as the rule allows (e.g. a
    complex denunciation once by 30 days, a very complex one twice)."""
    require_right(user, Action.CHANGE, case.unit_id)
    # The case first, as every case service locks it: a move that meets this deadline at the same time (an
    # acceptance meets the intake deadline) either goes first, and the step is done, or sees the extension.
    case = lock(case)
    deadline = CaseDeadline.objects.select_for_update().select_related("rule").filter(case=case, step=step).first()
    if deadline is None:
        raise ValidationError({"step": _("This case has no deadline for that step.")})
    errors = {}
    if not decision_number.strip():
        errors["decision_number"] = _("Enter the number of the extension decision.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the extension.")
    if errors:
        raise ValidationError(errors)
    if deadline.met_on:
        raise ValidationError(_("This step is done; its deadline can no longer be extended."))
    if deadline.extensions >= deadline.rule.max_extensions:
        raise ValidationError(
            _("The law allows {count} extension(s) for this case ({basis}); none is left.").format(
                count=deadline.rule.max_extensions, basis=deadline.rule.legal_basis
            )
        )
    previous = deadline.due_on
    deadline.due_on = DeadlinePlanner().due(
        rule=deadline.rule, counted_from=previous, days=deadline.rule.extension_days
    )
    deadline.extensions += 1
    deadline.save(update_fields=["due_on", "extensions"])
    DeadlineExtension.objects.create(
        deadline=deadline,
        decision_number=decision_number.strip(),
        reason=reason.strip(),
        previous_due_on=previous,
        new_due_on=deadline.due_on,
        decided_by=user,
    )
    refresh_due_on(case)
    case.save(update_fields=["due_on"])
    _event(
        case,
        user,
        EventKind.EXTENDED,
        note=_("{step}: {old} → {new}, decision {number}: {reason}").format(
            step=deadline.get_step_display(),
            old=previous.strftime("%d/%m/%Y"),
            new=deadline.due_on.strftime("%d/%m/%Y"),
            number=decision_number.strip(),
            reason=reason.strip(),
        ),
    )
    return deadline


@transaction.atomic
def case_designate(*, user: User, case: Case, kind: str, reason: str) -> CaseDesignation:
    """Designate a case over-level, a hot spot or on the focus list, with the committee's reason. Only a role
    that reviews (a supervising committee or the steering committee) may designate."""
    require_right(user, Action.REVIEW, case.unit_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the designation.")})
    # Locked: the flag is set on the row as it is now (a move made meanwhile is kept), and of two committees
    # designating the same flag at once the second sees the first's designation.
    case = lock(case)
    if case.designations.filter(kind=kind, lifted_at__isnull=True).exists():
        raise ValidationError(_("This case already carries that flag."))
    designation = CaseDesignation.objects.create(case=case, kind=kind, reason=reason.strip(), designated_by=user)
    setattr(case, DESIGNATION_FIELDS[kind], True)
    save_with_history(case, user=user)
    _event(case, user, EventKind.FLAGGED, note=f"{designation.get_kind_display()}: {designation.reason}")
    return designation


@transaction.atomic
def case_lift_designation(*, user: User, designation: CaseDesignation) -> CaseDesignation:
    """Lift a designation, keeping its row (who lifted it, when). A designation is lifted once: lifting it again
    would write a second "flag removed" and, once the flag was designated anew, turn off a flag still in force."""
    require_right(user, Action.REVIEW, designation.case.unit_id)
    # Locked, case first as every case service does, then re-read: of two lifts at once the second sees the first.
    case = lock(designation.case)
    designation = lock(designation)
    if designation.lifted_at is not None:
        raise ValidationError(_("This flag has already been removed."))
    designation.lifted_by, designation.lifted_at = user, timezone.now()
    designation.save(update_fields=["lifted_by", "lifted_at"])
    setattr(case, DESIGNATION_FIELDS[designation.kind], designated_flag_is_on(case, designation.kind))
    save_with_history(case, user=user)
    _event(case, user, EventKind.UNFLAGGED, note=designation.get_kind_display())
    return designation


@transaction.atomic
def case_void(*, user: User, case: Case, reason: str) -> Case:
    """Cases are never deleted; one entered by mistake is voided with a reason and kept."""
    require_right(user, Action.CHANGE, case.unit_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    case = lock(case)
    if case.is_void:
        raise ValidationError(_("This case is already voided."))
    case.is_void, case.void_reason = True, reason.strip()
    # Voiding is how a case stored with an absurd date (before dates were bounded) leaves the register.
    save_with_history(case, user=user, exclude=["received_on", "accepted_on", "concluded_on", "closed_on"])
    _event(case, user, EventKind.VOIDED, note=case.void_reason)
    return case


@transaction.atomic
def case_merge(*, user: User, duplicate: Case, into: Case) -> Case:
    """Merge a duplicate into the case that goes on; both stay, linked, and the merge can be undone."""
    require_right(user, Action.CHANGE, duplicate.unit_id)
    require_right(user, Action.CHANGE, into.unit_id)
    if duplicate.pk == into.pk:
        raise ValidationError(_("Choose another case that is not itself merged."))
    # Both locked, the lower id first (two merges of the same pair at once wait on each other, never deadlock),
    # and checked as they are now: merging A into B while B is merged into A would leave neither case live.
    first, second = sorted((duplicate, into), key=lambda case: case.pk)
    first, second = lock(first), lock(second)
    duplicate, into = (first, second) if first.pk == duplicate.pk else (second, first)
    if into.merged_into_id:
        raise ValidationError(_("Choose another case that is not itself merged."))
    duplicate.merged_into = into
    save_with_history(duplicate, user=user)
    _event(duplicate, user, EventKind.MERGED, note=str(into))
    _event(into, user, EventKind.MERGED, note=_("{case} merged into this case").format(case=duplicate))
    return duplicate


@transaction.atomic
def case_unmerge(*, user: User, duplicate: Case) -> Case:
    require_right(user, Action.CHANGE, duplicate.unit_id)
    duplicate = lock(duplicate)
    into = duplicate.merged_into
    if into is None:
        raise ValidationError(_("This case is not merged."))
    duplicate.merged_into = None
    save_with_history(duplicate, user=user)
    _event(duplicate, user, EventKind.UNMERGED, note=str(into))
    _event(into, user, EventKind.UNMERGED, note=str(duplicate))
    return duplicate


@transaction.atomic
def case_open_second_time(*, user: User, case: Case, received_on: date, summary: str) -> Case:
    """A second-time complaint (khiếu nại lần hai) opens a new case linked to the first one."""
    # Locked: two officials opening the second-time complaint at once would otherwise both pass the check.
    case = lock(case)
    refusal = second_time_refusal(case)
    if refusal is not None:
        raise ValidationError(refusal)
    return _new_case(
        user=user,
        unit_id=case.unit_id,
        kind=CaseKind.COMPLAINT,
        attempt=Attempt.SECOND,
        previous_case=case,
        field=case.field,
        channel=Channel.POST,
        received_on=received_on,
        summary=summary,
        people_count=case.people_count,
        complainant=case.complainant,
        respondent=case.respondent,
        complexity=case.complexity,
        is_remote_area=case.is_remote_area,
    )
