"""Heads' duty to receive over a report's period, per head (citizens/duty.py, issue #16)."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.scoping import SYSTEM, subtree_ids
from citizens.choices import DutyPeriod, HeadPosition, SessionStatus
from citizens.duty import head_duty_summary, months_judged
from citizens.models import ReceptionDutyRule
from citizens.selectors import duty_compliance
from tests.factories import ReceptionSessionFactory, UnitFactory, UserFactory

SECRETARY = HeadPosition.PARTY_SECRETARY
CHAIRMAN = HeadPosition.PC_CHAIRMAN


@pytest.fixture
def clerk(db):
    return UserFactory()


@pytest.fixture
def held(clerk):
    """Record a session on a day (08:00 Hanoi time), by default held by the head in person."""

    def make(unit, position, day: date, *, in_person=True, **fields):
        tz = timezone.get_current_timezone()
        return ReceptionSessionFactory(
            unit=unit,
            created_by=clerk,
            kind="periodic",
            head_position=position,
            head_in_person=in_person,
            starts_at=datetime(day.year, day.month, day.day, 8, tzinfo=tz),
            **fields,
        )

    return make


def only(unit) -> frozenset[int]:
    return frozenset({unit.pk})


def test_months_are_judged_in_the_period_containing_their_last_day():
    assert [m.first for m in months_judged(date(2025, 12, 15), date(2026, 6, 14))] == [
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 4, 1),
        date(2026, 5, 1),
    ]
    # The two half-years of the party's calendar share no month and miss none.
    before = months_judged(date(2025, 6, 15), date(2025, 12, 14))
    assert [m.first for m in before] == [date(2025, month, 1) for month in range(6, 12)]
    # A period ending on a month's last day judges it; one day short, not.
    assert [m.first for m in months_judged(date(2026, 3, 1), date(2026, 3, 31))] == [date(2026, 3, 1)]
    assert months_judged(date(2026, 3, 1), date(2026, 3, 30)) == []


def test_a_secretary_meeting_two_days_every_month_met_all(ward, held):
    for month in range(1, 7):
        held(ward, SECRETARY, date(2026, month, 5))
        held(ward, SECRETARY, date(2026, month, 20))
    summary = head_duty_summary(unit_ids=only(ward), start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert summary["secretary_heads_due"] == 1
    assert summary["secretary_heads_met_all"] == 1
    assert summary["secretary_heads_short"] == 0
    assert summary["secretary_head_months_due"] == 6
    assert summary["secretary_head_months_met"] == 6
    assert summary["secretary_head_months_short"] == 0
    # The chairman of the same ward never received: one head, short every month.
    assert summary["chairman_heads_due"] == 1 and summary["chairman_heads_met_all"] == 0
    assert summary["chairman_head_months_short"] == 6
    # Overall figures are the two positions together.
    assert summary["heads_due"] == 2 and summary["heads_met_all"] == 1 and summary["heads_short"] == 1
    assert summary["head_months_due"] == 12 and summary["head_months_short"] == 6


def test_one_month_short_leaves_the_secretary_short_once(ward, held):
    for month in range(1, 7):
        held(ward, SECRETARY, date(2026, month, 5))
        if month != 4:
            held(ward, SECRETARY, date(2026, month, 20))
        else:
            held(ward, SECRETARY, date(2026, month, 5))  # a second session on the same day: still one day
    summary = head_duty_summary(unit_ids=only(ward), start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert summary["secretary_heads_due"] == 1
    assert summary["secretary_heads_met_all"] == 0
    assert summary["secretary_heads_short"] == 1
    assert summary["secretary_head_months_due"] == 6
    assert summary["secretary_head_months_met"] == 5
    assert summary["secretary_head_months_short"] == 1


def test_the_chairman_must_receive_every_week_starting_in_the_month(ward, held):
    # March 2026: weeks start on Mondays 2, 9, 16, 23 and 30; the last runs to Sunday 5 April.
    for day in (date(2026, 3, 3), date(2026, 3, 10), date(2026, 3, 17), date(2026, 3, 24)):
        held(ward, CHAIRMAN, day)
    held(ward, CHAIRMAN, date(2026, 3, 1))  # Sunday before the first Monday: belongs to February's last week

    def march():
        summary = head_duty_summary(unit_ids=only(ward), start=date(2026, 3, 1), end=date(2026, 3, 31))
        rows = [r for r in duty_compliance(user=SYSTEM, month=date(2026, 3, 1)) if r.unit == ward]
        (row,) = [r for r in rows if r.rule.head_position == CHAIRMAN]
        # The same judgement as the monthly page.
        assert row.met == (summary["chairman_head_months_met"] == 1)
        return summary

    summary = march()
    assert summary["chairman_head_months_due"] == 1 and summary["chairman_head_months_short"] == 1
    # The week of 30 March is met by a session on 2 April, in the next month.
    held(ward, CHAIRMAN, date(2026, 4, 2))
    summary = march()
    assert summary["chairman_head_months_met"] == 1 and summary["chairman_heads_met_all"] == 1
    # Five sessions in one week would not make up for a week without one: April's weeks are all empty but one.
    april = head_duty_summary(unit_ids=only(ward), start=date(2026, 4, 1), end=date(2026, 4, 30))
    assert april["chairman_head_months_due"] == 1 and april["chairman_head_months_short"] == 1


def test_a_month_ending_after_the_period_is_left_to_the_next_report(ward, held):
    # December's sessions before the period's start still count for December, judged in this period.
    held(ward, SECRETARY, date(2025, 12, 2))
    held(ward, SECRETARY, date(2025, 12, 3))
    for month in range(1, 6):
        held(ward, SECRETARY, date(2026, month, 5))
        held(ward, SECRETARY, date(2026, month, 6))
    # June has no session at all: its last day (30 June) falls after 14 June, so it is not this report's.
    summary = head_duty_summary(unit_ids=only(ward), start=date(2025, 12, 15), end=date(2026, 6, 14))
    assert summary["secretary_head_months_due"] == 6
    assert summary["secretary_head_months_short"] == 0
    assert summary["secretary_heads_met_all"] == 1
    # The previous half-year judged June to November 2025; June belonged to the former ward, not this one.
    previous = head_duty_summary(unit_ids=only(ward), start=date(2025, 6, 15), end=date(2025, 12, 14))
    assert previous["secretary_head_months_due"] == 5  # July to November: the ward exists from 1 July
    next_one = head_duty_summary(unit_ids=only(ward), start=date(2026, 6, 15), end=date(2026, 12, 14))
    assert next_one["secretary_head_months_due"] == 6  # June to November 2026
    assert next_one["secretary_head_months_short"] == 6


def test_predecessor_and_successor_are_each_judged_only_while_current(city, old_ward, ward, held):
    for month in range(1, 13):
        unit = old_ward if month <= 6 else ward
        held(unit, SECRETARY, date(2025, month, 5))
        held(unit, SECRETARY, date(2025, month, 6))
    # A session recorded on the former ward after the merger is not judged there (it no longer exists).
    held(old_ward, CHAIRMAN, date(2025, 7, 8))
    scope = subtree_ids({ward.pk})
    assert {old_ward.pk, ward.pk} <= scope
    summary = head_duty_summary(unit_ids=scope, start=date(2025, 1, 1), end=date(2025, 12, 31))
    # Two secretaries (the former ward's, January to June; the new ward's, July to December), twelve months.
    assert summary["secretary_heads_due"] == 2
    assert summary["secretary_head_months_due"] == 12
    assert summary["secretary_heads_met_all"] == 2
    assert summary["chairman_head_months_due"] == 12
    # Half-years on each side of the merger judge one unit each.
    first_half = head_duty_summary(unit_ids=scope, start=date(2025, 1, 1), end=date(2025, 6, 30))
    second_half = head_duty_summary(unit_ids=scope, start=date(2025, 7, 1), end=date(2025, 12, 31))
    assert first_half["secretary_heads_due"] == second_half["secretary_heads_due"] == 1
    assert first_half["secretary_head_months_due"] == second_half["secretary_head_months_due"] == 6
    # The whole city: the same wards once each, plus the City's own two heads; the former district has no rule.
    city_wide = head_duty_summary(unit_ids=None, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert city_wide["secretary_head_months_due"] == 12 + 12
    assert city_wide["heads_due"] == 2 + 2 + 2


def test_the_city_secretary_needs_one_day_a_month(city, held):
    held(city, SECRETARY, date(2026, 2, 10))
    held(city, CHAIRMAN, date(2026, 2, 11))
    summary = head_duty_summary(unit_ids=only(city), start=date(2026, 2, 1), end=date(2026, 2, 28))
    assert summary["secretary_head_months_met"] == 1 and summary["secretary_heads_met_all"] == 1
    # The City's chairman: at least one day a month (not every week).
    assert summary["chairman_head_months_met"] == 1 and summary["chairman_heads_met_all"] == 1
    # The same one day would leave a ward secretary short.
    ward = UnitFactory(parent=city, valid_from=date(2025, 7, 1))
    held(ward, SECRETARY, date(2026, 2, 10))
    ward_summary = head_duty_summary(unit_ids=only(ward), start=date(2026, 2, 1), end=date(2026, 2, 28))
    assert ward_summary["secretary_head_months_short"] == 1


def test_delegated_voided_and_unheld_sessions_do_not_count(ward, held):
    held(ward, SECRETARY, date(2026, 3, 5))
    held(ward, SECRETARY, date(2026, 3, 12), in_person=False)  # delegated (ủy quyền)
    held(ward, SECRETARY, date(2026, 3, 13), is_void=True, void_reason="Nhập trùng")
    held(ward, SECRETARY, date(2026, 3, 16), in_person=True, status=SessionStatus.CANCELLED)
    held(ward, CHAIRMAN, date(2026, 3, 19))  # the other head's day
    held(ward, "", date(2026, 3, 20), in_person=False)  # a regular session by the reception officers

    def secretary_met():
        summary = head_duty_summary(unit_ids=only(ward), start=date(2026, 3, 1), end=date(2026, 3, 31))
        return summary["secretary_head_months_met"]

    assert secretary_met() == 0
    held(ward, SECRETARY, date(2026, 3, 26))
    assert secretary_met() == 1


def test_a_month_not_over_yet_is_not_judged(ward, held, monkeypatch):
    held(ward, SECRETARY, date(2026, 3, 5))

    def on(today):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
        return head_duty_summary(unit_ids=only(ward), start=date(2026, 1, 1), end=date(2026, 3, 31))

    # On 31 March the secretary may still receive a second time: March waits.
    assert on(date(2026, 3, 31))["secretary_head_months_due"] == 2
    assert on(date(2026, 4, 1))["secretary_head_months_due"] == 3
    # The chairman's last March week runs to Sunday 5 April.
    assert on(date(2026, 4, 5))["chairman_head_months_due"] == 2
    assert on(date(2026, 4, 6))["chairman_head_months_due"] == 3


def test_a_new_rule_judges_the_months_from_when_it_applies(ward, held):
    ReceptionDutyRule.objects.create(
        unit_kind="commune",
        head_position=SECRETARY,
        min_days=3,
        period=DutyPeriod.MONTH,
        legal_basis="Quy định thử nghiệm",
        valid_from=date(2026, 3, 1),
    )
    for month in (2, 3):
        held(ward, SECRETARY, date(2026, month, 5))
        held(ward, SECRETARY, date(2026, month, 6))
    summary = head_duty_summary(unit_ids=only(ward), start=date(2026, 2, 1), end=date(2026, 3, 31))
    # February under the seeded rule (2 days): met; March under the new one (3 days): short; judged once each.
    assert summary["secretary_head_months_due"] == 2
    assert summary["secretary_head_months_met"] == 1


def test_no_units_no_figures(ward, held):
    held(ward, SECRETARY, date(2026, 3, 5))
    summary = head_duty_summary(unit_ids=frozenset(), start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert set(summary.values()) == {0}
    assert "secretary_heads_due" in summary and "chairman_head_months_short" in summary


def test_the_number_of_queries_does_not_grow_with_the_wards(city, held, django_assert_num_queries):
    def wards(count):
        created = [UnitFactory(parent=city, valid_from=date(2025, 7, 1)) for _ in range(count)]
        for ward in created:
            for month in range(1, 7):
                held(ward, SECRETARY, date(2026, month, 5))
                held(ward, CHAIRMAN, date(2026, month, 6))
        return created

    few = wards(1)
    with django_assert_num_queries(3):
        one = head_duty_summary(unit_ids=None, start=date(2026, 1, 1), end=date(2026, 6, 30))
    many = few + wards(6)
    with django_assert_num_queries(3):
        seven = head_duty_summary(unit_ids=frozenset(w.pk for w in many), start=date(2026, 1, 1), end=date(2026, 6, 30))
    with django_assert_num_queries(3):
        everything = head_duty_summary(unit_ids=None, start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert one["heads_due"] == 1 * 2 + 2  # the ward's two heads and the City's
    assert seven["heads_due"] == 7 * 2
    assert seven["secretary_head_months_due"] == 7 * 6
    assert everything["heads_due"] == 7 * 2 + 2


def test_the_period_between_two_sessions_days_counts_in_hanoi_time(ward, held):
    """A session at 23:30 on the last day of a month, Hanoi time, is on that day (16:30 UTC), not the next."""
    tz = timezone.get_current_timezone()
    held(ward, SECRETARY, date(2026, 3, 5))
    session = held(ward, SECRETARY, date(2026, 3, 31))
    session.starts_at = datetime(2026, 3, 31, 23, 30, tzinfo=tz)
    session.save()
    summary = head_duty_summary(unit_ids=only(ward), start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert summary["secretary_head_months_met"] == 1
    session.starts_at += timedelta(hours=1)  # 00:30 on 1 April: April's
    session.save()
    summary = head_duty_summary(unit_ids=only(ward), start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert summary["secretary_head_months_met"] == 0


def test_a_unit_counts_for_a_month_only_if_it_exists_on_the_months_last_day(city, held):
    dissolved = UnitFactory(parent=city, valid_to=date(2026, 3, 15))
    formed = UnitFactory(parent=city, valid_from=date(2026, 3, 16))
    for unit in (dissolved, formed):
        held(unit, SECRETARY, date(2026, 2, 5) if unit == dissolved else date(2026, 3, 20))
    scope = frozenset({dissolved.pk, formed.pk})
    summary = head_duty_summary(unit_ids=scope, start=date(2026, 2, 1), end=date(2026, 4, 30))
    # February: the dissolved unit only; March and April: the unit formed mid-March only.
    assert summary["secretary_heads_due"] == 2
    assert summary["secretary_head_months_due"] == 3
    march = head_duty_summary(unit_ids=scope, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert march["secretary_heads_due"] == 1 and march["secretary_head_months_due"] == 1
    assert head_duty_summary(unit_ids=only(dissolved), start=date(2026, 3, 1), end=date(2026, 3, 31))["heads_due"] == 0
