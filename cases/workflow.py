"""The case workflow: allowed moves and the right each one needs (DESIGN §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action
from cases.choices import Attempt, CaseKind, Outcome
from cases.choices import CaseStatus as S

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Move:
    name: str
    label: StrOrPromise
    sources: frozenset[str]
    target: str
    right: str
    needs_note: bool = False


MOVES = {
    move.name: move
    for move in [
        Move("classify", _("Classify"), frozenset({S.RECEIVED}), S.CLASSIFIED, Action.CHANGE),
        Move("accept", _("Accept for handling (thụ lý)"), frozenset({S.CLASSIFIED}), S.ACCEPTED, Action.CHANGE),
        Move("not_accept", _("Do not accept"), frozenset({S.CLASSIFIED}), S.NOT_ACCEPTED, Action.CHANGE, True),
        Move(
            "transfer",
            _("Transfer to the competent body"),
            frozenset({S.RECEIVED, S.CLASSIFIED}),
            S.TRANSFERRED,
            Action.CHANGE,
            True,
        ),
        Move("archive", _("Archive"), frozenset({S.RECEIVED, S.CLASSIFIED}), S.ARCHIVED, Action.CHANGE, True),
        Move("verify", _("Start verification"), frozenset({S.ACCEPTED}), S.VERIFYING, Action.CHANGE),
        Move("dialogue", _("Hold a dialogue"), frozenset({S.ACCEPTED, S.VERIFYING}), S.DIALOGUE, Action.CHANGE),
        # The conclusion is the competent head's decision: only a role that may approve records it.
        Move(
            "conclude",
            _("Record the conclusion"),
            frozenset({S.ACCEPTED, S.VERIFYING, S.DIALOGUE}),
            S.CONCLUDED,
            Action.APPROVE,
        ),
        Move("implement", _("Record implementation"), frozenset({S.CONCLUDED}), S.IMPLEMENTED, Action.CHANGE),
        Move(
            "close",
            _("Close the case"),
            frozenset({S.CONCLUDED, S.IMPLEMENTED, S.NOT_ACCEPTED, S.TRANSFERRED, S.ARCHIVED}),
            S.CLOSED,
            Action.CHANGE,
        ),
    ]
}


def moves_from(status: str) -> list[Move]:
    return [move for move in MOVES.values() if status in move.sources]


def second_time_refusal(case) -> str | None:
    """Why no second-time complaint (khiếu nại lần hai) may be opened from this case, or None when one may.

    The one home of the rule, asked by the case page (whether to offer it) and by the service (whether to do it).
    Law on Complaints 2011, Arts. 7 and 33: a complainant who disagrees with the first-time decision complains a
    second time. So the case is a first-time complaint (a second-time complaint is not complained about a third
    time), its decision is recorded (the conclusion date; a withdrawn complaint has no decision to disagree
    with), it is live (not voided or merged), and no live second-time complaint follows it yet (a second one is
    a duplicate of the first).
    """
    if case.kind != CaseKind.COMPLAINT:
        return gettext("Only a complaint can be complained about a second time.")
    if case.attempt != Attempt.FIRST:
        return gettext("A second-time complaint cannot itself be complained about a second time.")
    if case.is_void or case.merged_into_id:
        return gettext("This case is merged or voided; handle the case it was merged into.")
    if (
        case.status not in (S.CONCLUDED, S.IMPLEMENTED, S.CLOSED)
        or case.concluded_on is None
        or case.outcome == Outcome.WITHDRAWN
    ):
        return gettext("Only a concluded first-time complaint can be complained about a second time.")
    later = case.later_cases.filter(attempt=Attempt.SECOND, is_void=False, merged_into__isnull=True).first()
    if later is not None:
        return gettext("This decision already has a second-time complaint: case {number}.").format(number=later.number)
    return None
