"""The case workflow: allowed moves and the right each one needs (DESIGN §5)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.roles import Action
from cases.choices import CaseStatus as S


@dataclass(frozen=True)
class Move:
    name: str
    label: str
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
