"""Each definition of reports/catalogue.py, pinned at its edges with records built for it (issue #16): the SQL of
reports/figures.py counts exactly what the definition says.

The period is the party half-year 15/12/2025–14/06/2026; "before" is 14/12/2025, "after" 15/06/2026."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from cases.models import CaseEvent
from organizations.models import Inspection, InspectionConclusion, Unit, WeakDossier
from reports.catalogue import CATALOGUE, COUNT, RATE
from reports.figures import _compare, case_figures, letter_figures, weak_section
from tests.factories import CaseFactory, LetterFactory, UnitFactory, user_with_role

START, END = date(2025, 12, 15), date(2026, 6, 14)


def moved(case, status: str, on: date) -> None:
    """The case moved to `status` (declined, transferred, archived) by a move recorded on `on`."""
    case.status = status
    case.save()
    event = CaseEvent.objects.create(
        case=case, kind="transition", from_status="received", to_status=status, user=case.created_by
    )
    at = timezone.make_aware(datetime.combine(on, time(9)))
    CaseEvent.objects.filter(pk=event.pk).update(at=at)


def cases(ward) -> dict:
    return case_figures(frozenset({ward.pk}), START, END)


def test_every_figure_has_a_label_and_a_definition_and_codes_are_unique():
    for section in CATALOGUE:
        codes = [figure.code for figure in section.figures]
        assert len(codes) == len(set(codes)), section.code
        for figure in section.figures:
            assert str(figure.label) and len(str(figure.definition)) > 20, figure.code
            assert figure.kind in (COUNT, RATE)


def test_a_case_pending_but_not_accepted_at_the_start_is_carried_over(ward):
    CaseFactory(unit=ward, received_on=date(2025, 12, 1))  # received, never accepted
    figures = cases(ward)
    assert (figures["carried_over"], figures["new"], figures["to_handle"], figures["pending_at_end"]) == (1, 0, 1, 1)


def test_a_case_received_on_the_last_day_before_the_period_is_carried_and_on_the_first_day_is_new(ward):
    CaseFactory(unit=ward, received_on=date(2025, 12, 14))
    CaseFactory(unit=ward, received_on=date(2025, 12, 15))
    figures = cases(ward)
    assert (figures["carried_over"], figures["new"]) == (1, 1)


def test_a_case_declined_before_the_period_is_not_carried_one_declined_inside_is_to_handle_not_pending(ward):
    declined_before = CaseFactory(unit=ward, received_on=date(2025, 11, 1))
    moved(declined_before, "not_accepted", date(2025, 12, 14))
    declined_inside = CaseFactory(unit=ward, received_on=date(2025, 11, 2))
    moved(declined_inside, "transferred", date(2025, 12, 15))
    declined_after = CaseFactory(unit=ward, received_on=date(2025, 11, 3))
    moved(declined_after, "archived", date(2026, 6, 15))
    figures = cases(ward)
    assert figures["carried_over"] == 2  # declined inside and declined after: both pending on 14/12/2025
    assert figures["pending_at_end"] == 1  # only the one declined after the period
    assert figures["backlogged"] == 1


def test_a_case_imported_already_archived_ended_on_its_day_of_receipt(ward):
    CaseFactory(unit=ward, received_on=date(2025, 10, 1), status="archived")  # no move recorded: an import
    figures = cases(ward)
    assert (figures["carried_over"], figures["to_handle"], figures["pending_at_end"]) == (0, 0, 0)


def test_resolution_is_counted_by_the_date_of_the_conclusion_and_broken_down_by_kind(ward):
    CaseFactory(unit=ward, kind="denunciation", received_on=date(2025, 10, 1), status="concluded", concluded_on=START)
    CaseFactory(unit=ward, received_on=date(2025, 10, 1), status="concluded", concluded_on=date(2025, 12, 14))
    CaseFactory(unit=ward, kind="feedback", received_on=date(2026, 1, 5), status="concluded", concluded_on=END)
    CaseFactory(unit=ward, kind="recommendation", received_on=date(2026, 1, 5))
    figures = cases(ward)
    assert (figures["resolved"], figures["to_handle"], figures["resolution_rate"]) == (2, 3, 66.7)
    assert (figures["denunciations_resolved"], figures["denunciations_rate"]) == (1, 100.0)
    assert (figures["complaints"], figures["complaints_resolved"]) == (0, 0)
    assert (figures["recommendations"], figures["recommendations_resolved"], figures["recommendations_rate"]) == (
        2,
        1,
        50.0,
    )


def test_a_letter_handled_after_the_cut_off_is_pending_at_the_end_and_counted_when_handled(ward):
    LetterFactory(unit=ward, received_on=date(2026, 6, 1), disposition="transferred", disposed_on=date(2026, 6, 20))
    LetterFactory(unit=ward, received_on=date(2025, 12, 1), disposition="guided", disposed_on=START)
    this = letter_figures(frozenset({ward.pk}), START, END)
    assert (this["received"], this["transferred"], this["guided"], this["pending_at_end"]) == (1, 0, 1, 1)
    assert this["carried_over"] == 1
    following = letter_figures(frozenset({ward.pk}), date(2026, 6, 15), date(2026, 12, 14))
    assert (following["received"], following["transferred"], following["carried_over"]) == (0, 1, 1)


@pytest.fixture
def dossier(ward):
    organization = UnitFactory(name="Chi bộ Thôn 3", kind="grassroots", parent=ward, code="")
    return WeakDossier.objects.create(
        unit=organization, year=2025, origin="rating", identified_on=date(2025, 3, 1), created_by=user_with_role(ward)
    )


def test_conclusions_count_in_the_period_of_their_inspection_and_implementations_in_theirs(ward, dossier):
    before = Inspection.objects.create(
        dossier=dossier, kind="inspection", on=date(2025, 11, 1), team="Đoàn", created_by=dossier.created_by
    )
    InspectionConclusion.objects.create(inspection=before, text="Kiện toàn", done_on=date(2026, 1, 10))
    InspectionConclusion.objects.create(inspection=before, text="Sinh hoạt", done_on=date(2025, 11, 20))
    inside = Inspection.objects.create(
        dossier=dossier, kind="urging", on=date(2026, 2, 1), team="Đoàn", created_by=dossier.created_by
    )
    InspectionConclusion.objects.create(inspection=inside, text="Họp chi bộ")
    user = user_with_role(Unit.objects.get(parent__isnull=True), "steering_member")
    figures = weak_section(user, ward, frozenset({ward.pk, dossier.unit_id}), START, END)
    assert (figures["inspections"], figures["conclusions"], figures["conclusions_implemented"]) == (1, 1, 1)


def test_a_rate_changes_in_percentage_points_and_a_count_in_per_cent():
    assert _compare(85.3, 82.1, RATE) == {
        "value": 85.3,
        "previous": 82.1,
        "diff": 3.2,
        "pct": None,
        "kind": RATE,
    }
    assert _compare(12, 8)["pct"] == 50.0
    assert _compare(12, 0)["pct"] is None
