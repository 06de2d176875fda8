"""Writes of the weak-organization programme: ratings, dossiers and their consolidation plans, inspections.
Each is one transaction that checks the right, validates, saves with history and writes the dossier's timeline.

Rights: the organization's own committee (CHANGE on the organization) drafts, amends and submits; only the
committee above — a right on the organization's parent unit — designates, approves, returns, re-assesses and
takes an organization off the list."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, NotRequired, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Action
from accounts.scoping import has_right, require_right
from core.locking import KEEP, Keep, apply_given, lock
from core.services import save_with_history
from core.uploads import check_upload
from core.versions import check_version
from organizations import workflow
from organizations.choices import DossierOrigin, DossierStatus, RatingLevel, TaskStatus, UnitKind
from organizations.models import (
    DossierEvent,
    DossierSubmission,
    Inspection,
    InspectionConclusion,
    PlanTask,
    QualityRating,
    RatingRegulation,
    TaskProgress,
    Unit,
    UnitSuccession,
    WeakDossier,
    WeakReason,
)
from organizations.selectors_weak import open_items
from organizations.signals import dossier_moved

PARTY_ORGANIZATION_KINDS = (UnitKind.GRASSROOTS, UnitKind.CELL, UnitKind.COMMUNE)


def require_committee_above(user: User, action: str, unit: Unit) -> None:
    """Only the committee above the organization (a right on its parent unit) may do this."""
    if not workflow.committee_above_may(user, action, unit):
        raise PermissionDenied(_("Only the committee above this organization may do this."))


def _event(
    dossier: WeakDossier, user: User, kind: str, note: str = "", from_status: str = "", to_status: str = ""
) -> None:
    DossierEvent.objects.create(
        dossier=dossier, user=user, kind=kind, note=note, from_status=from_status, to_status=to_status
    )


# Ratings -------------------------------------------------------------------------------------------------------


def rating_validate(rating: QualityRating) -> None:
    """The rules a rating obeys: the regulation applies to the year, the level exists under it, and a score
    gives the level of its band."""
    errors = {}
    regulation = rating.regulation
    if not (regulation.year_from <= rating.year and (regulation.year_to is None or rating.year <= regulation.year_to)):
        errors["regulation"] = _("{code} does not apply to {year}.").format(code=regulation.code, year=rating.year)
    if rating.level == RatingLevel.WEAK and not regulation.has_weak_level:
        errors["level"] = _("“Weak” is a level only under {code}.").format(code="27-HD/BTCTW")
    if regulation.uses_score:
        if rating.score is None:
            errors["score"] = _("{code} scores out of 100: enter the score.").format(code=regulation.code)
        elif not 0 <= rating.score <= 100:
            errors["score"] = _("The score is between 0 and 100.")
        elif (band := regulation.level_for_score(rating.score)) != rating.level:
            expected = RatingLevel(band).label if band else "—"
            errors["level"] = _("A score of {score} gives the level “{level}”.").format(
                score=rating.score, level=expected
            )
    elif rating.score is not None:
        errors["score"] = _("{code} gives no score; leave it empty.").format(code=regulation.code)
    if rating.unit.kind not in PARTY_ORGANIZATION_KINDS:
        errors["unit"] = _("Only party organizations are rated.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rating_record(
    *,
    user: User,
    unit: Unit,
    year: int,
    regulation: RatingRegulation,
    level: str,
    score: Decimal | int | None = None,
    reasons: str = "",
) -> QualityRating:
    """Record (or correct) an organization's rating for a year. A rating of "did not complete" (or "weak")
    opens a draft dossier for the organization, if it has none for that year."""
    require_right(user, Action.CHANGE, unit.pk)
    # A correction locks the rating it corrects, so two corrections at once do not both open a dossier.
    rating = QualityRating.objects.select_for_update().filter(unit=unit, year=year).first() or QualityRating(
        unit=unit, year=year, rated_by=user
    )
    rating.regulation, rating.level, rating.score, rating.reasons = regulation, level, score, reasons.strip()
    rating_validate(rating)
    save_with_history(rating, user=user)
    if level in workflow.OPENS_A_DOSSIER and not WeakDossier.objects.active().filter(unit=unit, year=year).exists():
        dossier = WeakDossier(
            unit=unit,
            year=year,
            origin=DossierOrigin.RATING,
            rating=rating,
            identified_on=date(year, 12, 31) if year < timezone.localdate().year else timezone.localdate(),
            # What the rating said is why the organization did not complete its tasks: the dossier's reasons
            # start from it, so the reviewer reads it without opening the rating.
            other_reasons=rating.reasons,
            created_by=user,
        )
        save_with_history(dossier, user=user)
        _event(dossier, user, DossierEvent.Kind.CREATED, note=str(rating), to_status=dossier.status)
    return rating


class RatingRow(TypedDict):
    """One organization's line of a commune's ratings: the arguments of `rating_record` besides the user."""

    unit: Unit
    year: int
    regulation: RatingRegulation
    level: str
    score: NotRequired[Decimal | int | None]
    reasons: NotRequired[str]


@transaction.atomic
def ratings_record_for_commune(*, user: User, rows: list[RatingRow]) -> list[QualityRating]:
    """Record the ratings of many organizations at once: all or nothing, errors reported per row."""
    ratings, errors = [], {}
    for index, row in enumerate(rows):
        try:
            with transaction.atomic():
                ratings.append(rating_record(user=user, **row))
        except ValidationError as error:
            # Keyed "<row>-<field>" (or "<row>" for a whole-row error), so the form can show it on its line.
            for field, messages in getattr(error, "message_dict", {str(index): error.messages}).items():
                errors[f"{index}-{field}" if field != str(index) else field] = messages
    if errors:
        raise ValidationError(errors)  # the outer transaction rolls back every row
    return ratings


# Dossiers ------------------------------------------------------------------------------------------------------


@transaction.atomic
def dossier_open(
    *,
    user: User,
    unit: Unit,
    year: int,
    origin: str,
    identified_on: date,
    reasons: Iterable[WeakReason] = (),
    other_reasons: str = "",
    responsible_leader: str = "",
    goals: str = "",
) -> WeakDossier:
    """Open a dossier: the organization's committee after a "did not complete" rating, or the committee above
    designating an organization weak."""
    if origin == DossierOrigin.DESIGNATED:
        require_committee_above(user, Action.REVIEW, unit)
    else:
        require_right(user, Action.CHANGE, unit.pk)
    if unit.kind not in PARTY_ORGANIZATION_KINDS:
        raise ValidationError({"unit": _("Only party organizations are rated.")})
    if identified_on > timezone.localdate():
        raise ValidationError({"identified_on": _("The date cannot be in the future.")})
    dossier = WeakDossier(
        unit=unit,
        year=year,
        origin=origin,
        identified_on=identified_on,
        created_by=user,
        other_reasons=other_reasons,
        responsible_leader=responsible_leader,
        goals=goals,
    )
    save_with_history(dossier, user=user)
    dossier.reasons.set(reasons)
    _event(dossier, user, DossierEvent.Kind.CREATED, to_status=dossier.status)
    return dossier


@transaction.atomic
def dossier_update(
    *,
    user: User,
    dossier: WeakDossier,
    reasons: Iterable[WeakReason] | Keep = KEEP,
    other_reasons: str | Keep = KEEP,
    responsible_leader: str | Keep = KEEP,
    goals: str | Keep = KEEP,
    version: int | None = None,
) -> WeakDossier:
    """Amend a draft or returned dossier (the fields given; the others keep their value). `version` is the dossier's
    version when the edit form was loaded (core.versions): a save that would undo someone else's later change to
    its text is refused."""
    require_right(user, Action.CHANGE, dossier.unit_id)
    # Locked and checked as it is now: an amendment saved while the dossier was being submitted would otherwise
    # put it back to the status the form was loaded with.
    dossier = lock(dossier)
    if dossier.status not in workflow.EDITABLE:
        raise ValidationError(_("A submitted or approved dossier can no longer be changed."))
    given = {"other_reasons": other_reasons, "responsible_leader": responsible_leader, "goals": goals}
    check_version(dossier, version, given)
    apply_given(dossier, given)
    save_with_history(dossier, user=user)
    if reasons is not KEEP:
        dossier.reasons.set(reasons)
    return dossier


def _move(dossier: WeakDossier, user: User, to_status: str, note: str = "", **updates: Any) -> WeakDossier:
    old = dossier.status
    dossier.status = to_status
    for name, value in updates.items():
        setattr(dossier, name, value)
    save_with_history(dossier, user=user)
    _event(dossier, user, DossierEvent.Kind.TRANSITION, note=note, from_status=old, to_status=to_status)
    return dossier


def _lock(dossier: WeakDossier) -> WeakDossier:
    return lock(dossier, "unit")


def _submission_gaps(dossier: WeakDossier) -> list[str]:
    """What a dossier lacks to go up: it goes up complete, with reasons, goals and at least one task."""
    missing = []
    if not dossier.reasons.exists() and not dossier.other_reasons.strip():
        missing.append(_("the reasons"))
    if not dossier.goals.strip():
        missing.append(_("the goals of the plan"))
    if not dossier.tasks.filter(is_void=False).exists():
        missing.append(_("at least one task"))
    return missing


COVERING_NOTE_MAX = 1000


@dataclass(frozen=True)
class Papers:
    """What goes up with a submission, as on paper: the covering note and the signed consolidation plan (a scan)."""

    covering_note: str
    signed_plan: UploadedFile | None


def _check_papers(papers: Papers, user: User) -> str:
    """The covering note (stripped) once both papers pass: the note written and short, the plan attached and
    through the checks every uploaded document passes (type, size, content, virus scan)."""
    errors: dict[str, str] = {}
    note = papers.covering_note.strip()
    if not note:
        errors["covering_note"] = _("Write the covering note.")
    elif len(note) > COVERING_NOTE_MAX:
        errors["covering_note"] = _("The covering note is at most {count} characters.").format(count=COVERING_NOTE_MAX)
    if papers.signed_plan is None:
        errors["signed_plan"] = _("Attach the signed consolidation plan.")
    else:
        try:
            check_upload(papers.signed_plan, user=user, field="signed_plan")
        except ValidationError as error:
            errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    ProhibitNullCharactersValidator()(note)
    return note


@transaction.atomic
def dossier_transition(
    *,
    user: User,
    dossier: WeakDossier,
    move: str,
    note: str = "",
    on: date | None = None,
    papers: Papers | None = None,
    open_items_reason: str | None = None,
) -> WeakDossier:
    """Move a dossier along its workflow (organizations/workflow.py), which says from which statuses each move
    starts and whose right it needs: the organization's committee submits, only the committee above approves,
    returns, re-assesses, takes off the list or carries over. The row is locked and read again before the checks,
    so of two reviewers acting at once the second sees the first one's move and is refused. `note` is the
    comment, the comments on a return, or the re-assessment; `on` the date taken off the list (today if not
    given).

    `papers` are what a submission carries (the covering note and the signed plan, both required when given);
    `open_items_reason` is why the organization is taken off the list although plan tasks or inspection
    conclusions are still open (required then, and kept in the timeline). The dossier page always gives them;
    None (not given) is the programmatic path of the demo data and of earlier tests, which predates the papers.
    """
    step = workflow.MOVES.get(move)
    if step is None:
        raise ValidationError(_("Unknown action."))
    dossier = _lock(dossier)
    workflow.check(user=user, move=step, dossier=dossier)
    note = note.strip() if step.note_label else ""
    if step.note_missing and not note:
        raise ValidationError({"note": step.note_missing})
    updates: dict[str, Any] = {}
    covering_note = ""
    if step.target == DossierStatus.SUBMITTED:
        if missing := _submission_gaps(dossier):
            raise ValidationError(_("Before submitting, add {missing}.").format(missing=", ".join(missing)))
        if papers is not None:
            covering_note = _check_papers(papers, user)
            note = covering_note  # the timeline keeps what each submission said
        updates["submitted_at"] = timezone.now()
    elif step.target == DossierStatus.CONSOLIDATING:
        updates.update(approved_at=timezone.now(), approved_by=user)
    elif step.target == DossierStatus.REASSESSED:
        updates["reassessment"] = note
    elif step.target == DossierStatus.OFF_LIST:
        on = on or timezone.localdate()
        if on < dossier.identified_on or on > timezone.localdate():
            raise ValidationError({"on": _("The date must be between identification and today.")})
        if open_items_reason is not None:
            note = _check_open_items(dossier, open_items_reason)
        updates["ended_on"] = on
    elif step.target == DossierStatus.CARRIED_OVER:
        updates["carried_into_year"] = dossier.year + 1
    moved = _move(dossier, user, step.target, note=note, **updates)
    if papers is not None and step.target == DossierStatus.SUBMITTED:
        DossierSubmission.objects.create(
            dossier=moved, covering_note=covering_note, signed_plan=papers.signed_plan, user=user
        )
    # Announced once the move is committed (overview tells whoever acts next, in the app and by e-mail); a failure
    # of a listener is logged and does not undo the move (robust).
    transaction.on_commit(
        partial(dossier_moved.send, sender=WeakDossier, dossier_id=moved.pk, move=step.name, actor_id=user.pk),
        robust=True,
    )
    return moved


def _check_open_items(dossier: WeakDossier, reason: str) -> str:
    """The timeline's note on taking an organization off the list: none when nothing is left open; the reason,
    required, when plan tasks are not done or inspection conclusions not implemented."""
    items = open_items(dossier)
    if not items:
        return ""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {
                "open_items_reason": _(
                    "Plan tasks or inspection conclusions are still open: say why the organization is taken off "
                    "the list all the same."
                )
            }
        )
    ProhibitNullCharactersValidator()(reason)
    return _("Taken off with {items} still open: {reason}").format(items=items.describe(), reason=reason)


def dossier_submit(*, user: User, dossier: WeakDossier, papers: Papers | None = None) -> WeakDossier:
    """Submit to the committee above. A dossier goes up complete: reasons, goals and at least one task; with the
    covering note and the signed plan when `papers` are given (the dossier page always gives them)."""
    return dossier_transition(user=user, dossier=dossier, move="submit", papers=papers)


def dossier_return(*, user: User, dossier: WeakDossier, comment: str) -> WeakDossier:
    """The committee above sends the dossier back with its comments."""
    return dossier_transition(user=user, dossier=dossier, move="return", note=comment)


def dossier_approve(*, user: User, dossier: WeakDossier, note: str = "") -> WeakDossier:
    """The committee above approves the dossier and its plan: consolidation starts."""
    return dossier_transition(user=user, dossier=dossier, move="approve", note=note)


def dossier_reassess(*, user: User, dossier: WeakDossier, assessment: str) -> WeakDossier:
    """The committee above records how the organization stands after the plan."""
    return dossier_transition(user=user, dossier=dossier, move="reassess", note=assessment)


def dossier_take_off_list(
    *, user: User, dossier: WeakDossier, on: date, open_items_reason: str | None = None
) -> WeakDossier:
    """After re-assessment, the committee above takes the organization off the list (thoát yếu kém); with tasks or
    conclusions still open only with the reason why, when `open_items_reason` is given (the page always gives it)."""
    return dossier_transition(user=user, dossier=dossier, move="off_list", on=on, open_items_reason=open_items_reason)


def dossier_carry_over(*, user: User, dossier: WeakDossier, note: str = "") -> WeakDossier:
    """Not yet consolidated: the organization stays on the list into the next year."""
    return dossier_transition(user=user, dossier=dossier, move="carry_over", note=note)


@transaction.atomic
def dossier_hand_over(*, user: User, dossier: WeakDossier, successor: Unit, on: date) -> WeakDossier:
    """When units merge, an open dossier continues under the successor: a new dossier linked to the old one,
    which leaves the list on that date without counting as taken off."""
    require_right(user, Action.CHANGE, successor.pk)
    if not UnitSuccession.objects.filter(predecessor=dossier.unit, successor=successor).exists():
        raise ValidationError({"successor": _("This unit did not succeed the organization.")})
    dossier = _lock(dossier)
    if workflow.is_closed(dossier):
        raise ValidationError(_("This dossier is already closed."))
    new = WeakDossier(
        unit=successor,
        year=dossier.year,
        origin=dossier.origin,
        identified_on=on,
        carried_from=dossier,
        other_reasons=dossier.other_reasons,
        responsible_leader=dossier.responsible_leader,
        goals=dossier.goals,
        status=dossier.status,
        created_by=user,
    )
    save_with_history(new, user=user)
    new.reasons.set(dossier.reasons.all())
    dossier.ended_on = on
    save_with_history(dossier, user=user)
    _event(dossier, user, DossierEvent.Kind.CARRIED, note=str(successor))
    _event(new, user, DossierEvent.Kind.CARRIED, note=str(dossier))
    return new


@transaction.atomic
def dossier_comment(*, user: User, dossier: WeakDossier, text: str) -> DossierEvent:
    """A comment on the dossier's thread: the organization's committee or the committee above."""
    if not (has_right(user, Action.CHANGE, dossier.unit_id) or has_right(user, Action.REVIEW, dossier.unit_id)):
        raise PermissionDenied(_("You do not have the right to do this for this unit."))
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    ProhibitNullCharactersValidator()(text)  # raw POST text, not through a form: PostgreSQL refuses NUL
    event = DossierEvent.objects.create(dossier=dossier, user=user, kind=DossierEvent.Kind.COMMENT, note=text.strip())
    return event


# Plan tasks and inspections -------------------------------------------------------------------------------------


@transaction.atomic
def task_save(
    *,
    user: User,
    dossier: WeakDossier,
    task: PlanTask | None = None,
    solution: str | Keep = KEEP,
    task_type: str | Keep = KEEP,
    owner: str | Keep = KEEP,
    deadline: date | Keep = KEEP,
    status: str | Keep = KEEP,
    done_on: date | Keep | None = KEEP,
) -> PlanTask:
    """Add a task to the dossier's plan, or change one (the fields given; the others keep their value)."""
    require_right(user, Action.CHANGE, dossier.unit_id)
    # The dossier locked and checked as it is now (a task is not slipped into a dossier being submitted), then
    # the task, so two officials updating one task each keep the other's change to the fields they did not touch.
    dossier = lock(dossier)
    if dossier.status not in workflow.TASKS_EDITABLE:
        raise ValidationError(_("Tasks can be changed while drafting or consolidating."))
    task = lock(task) if task is not None else PlanTask(dossier=dossier)
    apply_given(
        task,
        {
            "solution": solution,
            "task_type": task_type,
            "owner": owner,
            "deadline": deadline,
            "status": status,
            "done_on": done_on,
        },
    )
    if task.status == TaskStatus.DONE and not task.done_on:
        task.done_on = timezone.localdate()
    if task.status != TaskStatus.DONE:
        task.done_on = None
    save_with_history(task, user=user)
    _event(dossier, user, DossierEvent.Kind.TASK, note=f"{task.get_status_display()}: {task.solution[:120]}")
    return task


@transaction.atomic
def task_add_progress(
    *, user: User, task: PlanTask, on: date, note: str, evidence: UploadedFile | None = None
) -> TaskProgress:
    require_right(user, Action.CHANGE, task.dossier.unit_id)
    if not note.strip():
        raise ValidationError({"note": _("Write what was done.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if evidence:
        # Evidence passes the same checks as any document (type, size, content, virus scan).
        check_upload(evidence, user=user, field="evidence")
    progress = TaskProgress(task=task, on=on, note=note.strip(), evidence=evidence or "", user=user)
    progress.full_clean(exclude=["evidence"])
    progress.save()
    return progress


class Conclusion(TypedDict):
    """A conclusion of an inspection, tracked until implemented."""

    text: str
    deadline: date | None


@transaction.atomic
def inspection_record(
    *, user: User, dossier: WeakDossier, kind: str, on: date, team: str, findings: str, conclusions: list[Conclusion]
) -> Inspection:
    """An inspection or urging by the committee above; each conclusion becomes an action item."""
    require_committee_above(user, Action.REVIEW, dossier.unit)
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if not team.strip():
        raise ValidationError({"team": _("Name the members of the team.")})
    inspection = Inspection(
        dossier=dossier, kind=kind, on=on, team=team.strip(), findings=findings.strip(), created_by=user
    )
    save_with_history(inspection, user=user)
    for conclusion in conclusions:
        if conclusion.get("text", "").strip():
            item = InspectionConclusion(
                inspection=inspection, text=conclusion["text"].strip(), deadline=conclusion.get("deadline")
            )
            item.full_clean()
            item.save()
    _event(dossier, user, DossierEvent.Kind.INSPECTION, note=f"{inspection.get_kind_display()} {on:%d/%m/%Y}")
    return inspection


@transaction.atomic
def conclusion_mark_done(*, user: User, conclusion: InspectionConclusion, on: date) -> InspectionConclusion:
    require_right(user, Action.CHANGE, conclusion.inspection.dossier.unit_id)
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    conclusion = lock(conclusion)
    conclusion.done_on = on
    save_with_history(conclusion, user=user)
    return conclusion
