"""Mass delegations and mass cases (citizens/delegations.py): one threshold, from settings, asked by every visit,
form, flag, list, watch panel and report figure."""

from datetime import date

import pytest

from cases.flags import case_flags, flag_filter
from cases.models import Case
from cases.selectors import area_watch_cases
from citizens import services
from citizens.delegations import is_mass, mass_q
from citizens.forms import VisitForm
from reports.figures import case_figures
from tests.factories import CaseFactory, field

pytestmark = pytest.mark.django_db

NEW_CITIZEN = {"full_name": "Trần Thị Bình", "national_id": "001190000123", "phone": "", "address": "Số 3 Liễu Giai"}
HALF_YEAR = (date(2025, 12, 15), date(2026, 6, 14))


def test_a_group_is_mass_from_the_threshold_itself(settings):
    settings.DELEGATION_THRESHOLD = 5
    assert [is_mass(count) for count in (None, 0, 1, 4, 5, 6)] == [False, False, False, False, True, True]
    settings.DELEGATION_THRESHOLD = 6
    assert not is_mass(5) and is_mass(6)


def test_visits_of_four_and_five_people_either_side_of_the_threshold(session, ward_official, settings):
    settings.DELEGATION_THRESHOLD = 5
    four, five = (
        services.visit_record(
            user=ward_official,
            session=session,
            new_citizen={**NEW_CITIZEN, "national_id": f"00119000012{people}"},
            people_count=people,
            content="Khiếu nại bồi thường",
            field=field(),
            outcome="guided",
        )
        for people in (4, 5)
    )
    assert (four.is_mass_delegation, five.is_mass_delegation) == (False, True)
    assert list(session.visits.filter(mass_q()).values_list("pk", flat=True)) == [five.pk]


def test_the_visit_form_states_the_threshold_in_force(session, ward_official, settings):
    settings.DELEGATION_THRESHOLD = 7
    form = VisitForm(session=session, user=ward_official)
    assert "7" in str(form.fields["is_mass_delegation"].help_text)


@pytest.mark.parametrize("threshold", [4, 5, 6])
def test_every_count_of_mass_cases_follows_the_one_threshold(ward, ward_official, settings, threshold):
    settings.DELEGATION_THRESHOLD = threshold
    cases = {people: CaseFactory(unit=ward, people_count=people, received_on=date(2026, 3, 2)) for people in (4, 5)}
    expected = {people for people in cases if people >= threshold}
    today = date(2026, 3, 10)

    def flagged(case: Case) -> bool:
        return any(flag.code == "mass" for flag in case_flags(case, today=today, letter_count=1, designations=[]))

    assert {people for people, case in cases.items() if flagged(case)} == expected
    listed = Case.objects.filter(flag_filter("mass", today)).values_list("people_count", flat=True)
    assert set(listed) == expected
    assert {case.people_count for case in area_watch_cases(unit=ward, user=ward_official)} == expected
    assert case_figures(frozenset({ward.pk}), *HALF_YEAR)["mass"] == len(expected)
