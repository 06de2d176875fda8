"""The workflow of a weak-organization dossier (DESIGN §3), as data: which ratings open a dossier, when the
organization's committee may amend it, the moves allowed from each status, and the right each move needs on which
unit. Services refuse what this table does not allow, and the dossier page offers only what it allows, so the two
cannot disagree.

The organization's own committee drafts, amends and submits (a right on the organization). Only the committee
above — a right on the organization's parent unit — approves, returns, re-assesses, takes the organization off the
list or carries it into the next year: an organization never approves its own consolidation plan."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action
from accounts.scoping import has_right
from organizations.choices import DossierStatus as S
from organizations.choices import RatingLevel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A rating of "did not complete its tasks" (or "weak", under 27-HD/BTCTW of 2014 which still had that level) puts
# the organization on the list: a draft dossier opens for it.
OPENS_A_DOSSIER = frozenset({RatingLevel.NOT_COMPLETED, RatingLevel.WEAK})

# The organization's committee amends the dossier while it is with them, not while the committee above reviews it
# or after it approved it ...
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# ... but it keeps the plan's tasks up to date while consolidating too: that is the plan being carried out.
TASKS_EDITABLE = EDITABLE | {S.CONSOLIDATING}


class By(StrEnum):
    """Whose right a move needs: the organization's own committee, or the committee above it."""

    ORGANIZATION = "organization"
    COMMITTEE_ABOVE = "committee_above"


@dataclass(frozen=True)
class Move:
    """One move of the workflow. `refusal` says why it cannot be made from another status; `note_label` names the
    note the move takes (none if empty), `note_missing` is the error when that note is required and empty;
    `date_label` names the date the move records (none if empty); `secondary` marks a step back or aside."""

    name: str
    label: StrOrPromise
    sources: frozenset[str]
    target: str
    right: str
    by: By
    refusal: StrOrPromise
    note_label: StrOrPromise = ""
    note_missing: StrOrPromise = ""
    date_label: StrOrPromise = ""
    secondary: bool = False


MOVES: dict[str, Move] = {
    move.name: move
    for move in [
        Move(
            "submit",
            _("Submit to the committee above"),
            EDITABLE,
            S.SUBMITTED,
            Action.CHANGE,
            By.ORGANIZATION,
            _("Only a draft or a returned dossier can be submitted."),
        ),
        Move(
            "return",
            _("Return with comments"),
            frozenset({S.SUBMITTED}),
            S.RETURNED,
            Action.APPROVE,
            By.COMMITTEE_ABOVE,
            _("Only a submitted dossier can be returned."),
            note_label=_("Comments: what must be amended"),
            note_missing=_("Say what must be amended."),
            secondary=True,
        ),
        Move(
            "approve",
            _("Approve the dossier and its plan"),
            frozenset({S.SUBMITTED}),
            S.CONSOLIDATING,
            Action.APPROVE,
            By.COMMITTEE_ABOVE,
            _("Only a submitted dossier can be approved."),
            note_label=_("Comment"),
        ),
        # Re-assessing is reviewing how the plan went, which the reviewing right covers.
        Move(
            "reassess",
            _("Record the re-assessment"),
            frozenset({S.CONSOLIDATING}),
            S.REASSESSED,
            Action.REVIEW,
            By.COMMITTEE_ABOVE,
            _("Only a dossier under consolidation can be re-assessed."),
            note_label=_("Re-assessment"),
            note_missing=_("Write the re-assessment."),
        ),
        Move(
            "off_list",
            _("Take off the list"),
            frozenset({S.REASSESSED}),
            S.OFF_LIST,
            Action.APPROVE,
            By.COMMITTEE_ABOVE,
            _("Re-assess the organization before taking it off the list."),
            date_label=_("Date taken off the list"),
        ),
        Move(
            "carry_over",
            _("Carry into the next year"),
            frozenset({S.CONSOLIDATING, S.REASSESSED}),
            S.CARRIED_OVER,
            Action.APPROVE,
            By.COMMITTEE_ABOVE,
            _("Only a dossier under consolidation can be carried over."),
            note_label=_("Comment"),
            secondary=True,
        ),
    ]
}


def committee_above_may(user, action: str, unit) -> bool:
    """Whether `user` holds `action` on the committee above `unit` (its parent unit). A reviewer held for the
    organization itself is not the committee above it."""
    return unit.parent_id is not None and has_right(user, action, unit.parent_id)


def may(user, move: Move, dossier) -> bool:
    """Whether `user` holds the right `move` needs, on the unit it needs it on."""
    if move.by == By.COMMITTEE_ABOVE:
        return committee_above_may(user, move.right, dossier.unit)
    return has_right(user, move.right, dossier.unit_id)


def is_closed(dossier) -> bool:
    """A voided dossier, or one that has left the list (taken off, or handed over to the successor unit after a
    merger, where the successor's dossier carries on), moves no further."""
    return dossier.is_void or dossier.ended_on is not None


def check(*, user, move: Move, dossier) -> None:
    """Refuse a move this workflow does not allow: PermissionDenied without its right on its unit, ValidationError
    on a closed dossier or from another status."""
    if not may(user, move, dossier):
        if move.by == By.COMMITTEE_ABOVE:
            raise PermissionDenied(_("Only the committee above this organization may do this."))
        raise PermissionDenied(_("You do not have the right to do this for this unit."))
    if is_closed(dossier):
        raise ValidationError(_("This dossier is already closed."))
    if dossier.status not in move.sources:
        raise ValidationError(move.refusal)


def moves_for(user, dossier) -> list[Move]:
    """The moves `user` may make on `dossier` now, in the workflow's order: the buttons of the dossier page."""
    if is_closed(dossier):
        return []
    return [move for move in MOVES.values() if dossier.status in move.sources and may(user, move, dossier)]
