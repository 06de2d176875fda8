"""The catalogue of the report's figures: the one place that says what each figure is.

Each figure has a code (the key of reports.figures' SQL), a label, its definition in plain words (what is counted,
by which date, which statuses) and, where one exists, its legal or methodological basis. The report page shows the
definition beside each figure ("Cách tính"), the XLSX annex carries them on a sheet of their own ("Giải thích chỉ
tiêu"), and the snapshot stores them with the figures, so a frozen report keeps the definitions it was compiled
under. tests/reports/test_definitions.py pins each definition against purpose-built records.

Two kinds of figures: flows count events inside the period, each by the date of its own event (received,
disposed, accepted, concluded, inspected, implemented); stocks count what stood at a boundary (carried over at the
start, pending at the end), by the dates the records carry, not by today's status. A rate changes in percentage
points, not as a percentage of itself.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

COUNT, RATE = "count", "rate"

LETTERS_05 = "Thông tư 05/2021/TT-TTCP"
DUTY_BASIS = "Luật Tiếp công dân 2013; Quy định 11-QĐi/TW (2019)"
COMPLAINTS_LAW = "Luật Khiếu nại 2011, Điều 28"
DENUNCIATIONS_LAW = "Luật Tố cáo 2018, Điều 30"


@dataclass(frozen=True)
class Figure:
    code: str
    label: Promise
    definition: Promise
    basis: str = ""
    kind: str = COUNT


@dataclass(frozen=True)
class Section:
    code: str
    title: Promise
    figures: tuple[Figure, ...]


def _resolved_by_kind(code: str, labels: tuple[Promise, Promise, Promise], basis: str) -> tuple[Figure, ...]:
    """Resolved, resolved late and the resolution rate of one kind of case (the definitions are the same as for
    all cases, limited to the kind)."""
    resolved, late, rate = labels
    return (
        Figure(
            f"{code}_resolved",
            resolved,
            _("Cases of this kind concluded in the period (by the date of the conclusion), whatever the outcome."),
            basis,
        ),
        Figure(
            f"{code}_late",
            late,
            _("Of those, the ones concluded after the due date of their resolution deadline (extensions included)."),
            basis,
        ),
        Figure(
            f"{code}_rate",
            rate,
            _(
                "Cases of this kind resolved as a percentage of the cases of this kind to handle; its change is in "
                "percentage points."
            ),
            kind=RATE,
        ),
    )


CATALOGUE: tuple[Section, ...] = (
    Section(
        "weak",
        _("Weak grassroots party organizations"),
        (
            Figure(
                "at_start",
                _("On the list at the start of the period"),
                _(
                    "Grassroots party organizations on the weak list on the day before the period starts: identified "
                    "as weak before it and not yet taken off the list. Each organization once."
                ),
            ),
            Figure(
                "identified",
                _("Newly identified"),
                _(
                    "Organizations identified as weak during the period (by the date of identification); a dossier "
                    "continued from a former unit after a reorganisation is not new."
                ),
            ),
            Figure(
                "taken_off",
                _("No longer weak (taken off the list)"),
                _("Organizations taken off the weak list during the period (by the date they were taken off)."),
            ),
            Figure(
                "at_end",
                _("Remaining at the end of the period"),
                _("Organizations on the weak list on the last day of the period."),
            ),
            Figure(
                "tasks_done",
                _("Plan tasks completed"),
                _("Tasks of the consolidation plans completed during the period (by the date they were done)."),
            ),
            Figure(
                "inspections",
                _("Inspections and urging visits"),
                _("Inspections and urging visits held during the period (by the date they were held)."),
            ),
            Figure(
                "conclusions",
                _("Inspection conclusions"),
                _("Conclusions of the inspections held during the period."),
            ),
            Figure(
                "conclusions_implemented",
                _("Conclusions implemented"),
                _("Inspection conclusions implemented during the period (by the date of implementation)."),
            ),
        ),
    ),
    Section(
        "reception",
        _("Citizen reception"),
        (
            Figure(
                "sessions",
                _("Reception sessions"),
                _("Reception sessions held in the period (by their date), not voided; postponed ones are not counted."),
                "Luật Tiếp công dân 2013",
            ),
            Figure("regular", _("of which regular"), _("Sessions held by the reception officers on their usual days.")),
            Figure(
                "periodic",
                _("of which periodic by the head"),
                _("Sessions the head of the committee or the People's Committee must hold periodically."),
                "Luật Tiếp công dân 2013; Quy định 11-QĐi/TW (2019)",
            ),
            Figure("ad_hoc", _("of which ad hoc"), _("Sessions held when a case required it.")),
            Figure("dialogues", _("of which dialogues"), _("Dialogues with citizens held in the period.")),
            Figure(
                "heads_in_person",
                _("Heads' sessions in person"),
                _("Sessions of a head (secretary, chairman) in which the head received the citizens in person."),
            ),
            Figure(
                "heads_delegated",
                _("Heads' sessions delegated"),
                _("Sessions of a head that the head delegated to a deputy."),
            ),
            Figure("visits", _("Visits"), _("Visits received in the sessions counted above (lượt).")),
            Figure("people", _("People received"), _("People who came in those visits, a group counting each member.")),
            Figure(
                "delegations",
                _("Mass delegations"),
                _("Visits of a group of five or more people on one matter (the threshold is configurable)."),
            ),
            Figure("delegation_people", _("People in mass delegations"), _("Members of those groups.")),
            Figure("cases_opened", _("Cases opened at reception"), _("Cases opened from the visits counted above.")),
            Figure(
                "heads_due",
                _("Heads with a duty to receive"),
                _(
                    "Heads (the party committee secretary and the People's Committee chairman of each unit in scope) "
                    "with at least one month judged in the period. A month is judged in the period that contains its "
                    "last day, on the units that existed that day: a former ward and its successor are never counted "
                    "for the same month."
                ),
                DUTY_BASIS,
            ),
            Figure(
                "heads_met_all",
                _("Heads who met their duty every month"),
                _(
                    "Of those heads, the ones who received citizens in person on enough days in every judged month: "
                    "at least two days a month (one at City level) for the secretary, at least one day every week for "
                    "the chairman."
                ),
                DUTY_BASIS,
            ),
            Figure(
                "head_months_due",
                _("Head-months judged"),
                _("Each head counted once for each month judged in the period."),
                DUTY_BASIS,
            ),
            Figure(
                "head_months_short",
                _("Head-months that fell short"),
                _("Head-months in which the head received in person on fewer days than the rule asks."),
                DUTY_BASIS,
            ),
        ),
    ),
    Section(
        "letters",
        _("Letters"),
        (
            Figure(
                "carried_over",
                pgettext_lazy("report figure", "Letters carried over from the previous period"),
                _("Letters received before the period and not yet handled on its first day."),
                LETTERS_05,
            ),
            Figure(
                "received",
                _("Received in the period"),
                _("Letters received in the period (by date of receipt)."),
                LETTERS_05,
            ),
            Figure(
                "processable",
                _("Processable"),
                _("Of the letters received in the period, those classified as processable."),
                LETTERS_05,
            ),
            Figure(
                "competent",
                _("Within competence"),
                _("Of the letters received in the period, those within the unit's competence."),
                LETTERS_05,
            ),
            Figure(
                "to_case",
                _("Accepted as cases"),
                _("Letters handled in the period (by the date of handling) by opening or joining a case."),
                LETTERS_05,
            ),
            Figure(
                "guided",
                _("Senders guided"),
                _("Letters handled in the period (by the date of handling) by guiding the sender."),
                LETTERS_05,
            ),
            Figure(
                "transferred",
                _("Transferred"),
                _("Letters handled in the period (by the date of handling) by transfer to the competent body."),
                LETTERS_05,
            ),
            Figure(
                "urged",
                _("Competent bodies urged"),
                _("Letters handled in the period (by the date of handling) by urging the competent body."),
                LETTERS_05,
            ),
            Figure(
                "archived",
                _("Archived"),
                _("Letters handled in the period (by the date of handling) by archiving them."),
                LETTERS_05,
            ),
            Figure(
                "pending_at_end",
                pgettext_lazy("report figure", "Letters not yet handled at the end of the period"),
                _("Letters received by the last day of the period and not handled by then."),
                LETTERS_05,
            ),
        ),
    ),
    Section(
        "cases",
        _("Cases"),
        (
            Figure("new", _("Received in the period (new)"), _("Cases received in the period (by date of receipt).")),
            Figure(
                "carried_over",
                pgettext_lazy("report figure", "Cases carried over from the previous period"),
                _(
                    "Cases received before the period and still pending on its first day: not concluded before it, "
                    "and not declined, transferred or archived before it (by the date the move was recorded), "
                    "whether or not they had been accepted."
                ),
            ),
            Figure(
                "to_handle",
                _("Total to handle"),
                _("New cases plus cases carried over: every case pending at some time in the period."),
            ),
            Figure("complaints", _("Complaints"), _("Cases to handle that are complaints.")),
            Figure("denunciations", _("Denunciations"), _("Cases to handle that are denunciations.")),
            Figure(
                "recommendations",
                _("Recommendations and feedback"),
                _("Cases to handle that are recommendations or feedback."),
            ),
            Figure(
                "resolved",
                _("Resolved"),
                _("Cases concluded in the period (by the date of the conclusion), whatever the outcome."),
            ),
            Figure(
                "resolution_rate",
                pgettext_lazy("report figure", "Resolution rate (%)"),
                _("Cases resolved as a percentage of the cases to handle; its change is in percentage points."),
                kind=RATE,
            ),
            Figure(
                "resolved_on_time",
                _("Resolved on time"),
                _("Cases resolved in the period on or before the due date of their resolution deadline."),
                f"{COMPLAINTS_LAW}; {DENUNCIATIONS_LAW}",
            ),
            Figure(
                "resolved_late",
                _("Resolved late"),
                _("Cases resolved in the period after the due date of their resolution deadline, extensions included."),
                f"{COMPLAINTS_LAW}; {DENUNCIATIONS_LAW}",
            ),
            *_resolved_by_kind(
                "complaints",
                (_("Complaints resolved"), _("Complaints resolved late"), _("Complaint resolution rate (%)")),
                COMPLAINTS_LAW,
            ),
            *_resolved_by_kind(
                "denunciations",
                (_("Denunciations resolved"), _("Denunciations resolved late"), _("Denunciation resolution rate (%)")),
                DENUNCIATIONS_LAW,
            ),
            *_resolved_by_kind(
                "recommendations",
                (
                    _("Recommendations and feedback resolved"),
                    _("Recommendations and feedback resolved late"),
                    _("Recommendation and feedback resolution rate (%)"),
                ),
                "",
            ),
            Figure("right", _("Outcome: right"), _("Cases resolved in the period found right.")),
            Figure("wrong", _("Outcome: wrong"), _("Cases resolved in the period found wrong.")),
            Figure("partly_right", _("Outcome: partly right"), _("Cases resolved in the period found partly right.")),
            Figure(
                "withdrawn",
                _("Withdrawn, suspended or terminated"),
                _("Cases concluded in the period by withdrawal, suspension or termination."),
            ),
            Figure(
                "pending_at_end",
                pgettext_lazy("report figure", "Cases still pending at the end of the period"),
                _(
                    "Cases received by the last day of the period and, on that day, neither concluded nor declined, "
                    "transferred or archived."
                ),
            ),
            Figure(
                "backlogged",
                _("Backlogged (open from an earlier period)"),
                _("Cases carried over into the period and still pending at its end."),
            ),
            Figure("mass", _("Mass cases"), _("Cases to handle brought by five or more people on one matter.")),
            Figure("over_level", _("Over-level"), _("Cases to handle designated over-level (sent to a higher level).")),
            Figure("hot_spots", _("Hot spots"), _("Cases to handle designated security hot spots.")),
            Figure("focus", _("On the focus list"), _("Cases to handle on the steering committee's focus list.")),
        ),
    ),
)


def figure(section: str, code: str) -> Figure:
    return next(f for s in CATALOGUE if s.code == section for f in s.figures if f.code == code)
