"""Statutory deadline arithmetic (cases.calendar): hand-worked examples and properties.

Pure functions, no database. Day names are given as Mon..Sun. "off" marks a day
that is not a working day, "wN" the N-th working day counted.

What `holidays` 0.108 gives for Vietnamese Tết (weekdays off; the Government's
announced break adds the surrounding weekends):
  2024 Giáp Thìn: Thu 8 Feb – Wed 14 Feb      (announced: 8–14 Feb)
  2025 Ất Tỵ:     Mon 27 Jan – Fri 31 Jan     (announced: Sat 25 Jan – Sun 2 Feb; the
                  package also lists Sat 1 Feb as "Mùng bốn")
  2026 Bính Ngọ:  Mon 16 Feb – Fri 20 Feb     (announced: Sat 14 Feb – Sun 22 Feb)
  2027 Đinh Mùi:  Thu 4 Feb – Wed 10 Feb, Sat 6 & Sun 7 Feb included (not yet announced;
                  the package moves the weekend Tết days to Thu 4 and Wed 10)
"""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.calendar import DayKind, WorkCalendar, deadline, working_days_between

VN = WorkCalendar.vietnam(range(2024, 2029))
WORKING = DayKind.WORKING
CALENDAR = DayKind.CALENDAR


# --- The package's data that the examples below rely on -------------------------------------------


def test_tet_2025_weekdays_off_are_27_to_31_january():
    # Announced break: Sat 25 Jan – Sun 2 Feb 2025 (9 days); no working day inside it.
    for day in (date(2025, 1, 27) + timedelta(n) for n in range(5)):
        assert not VN.is_working_day(day), day
    assert working_days_between(date(2025, 1, 24), date(2025, 2, 2), VN) == 0
    assert VN.is_working_day(date(2025, 1, 24))  # Fri before Tết
    assert VN.is_working_day(date(2025, 2, 3))  # Mon after Tết


def test_tet_2026_weekdays_off_are_16_to_20_february():
    # Announced break: Sat 14 Feb – Sun 22 Feb 2026 (9 days).
    for day in (date(2026, 2, 16) + timedelta(n) for n in range(5)):
        assert not VN.is_working_day(day), day
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 22), VN) == 0
    assert VN.is_working_day(date(2026, 2, 13))
    assert VN.is_working_day(date(2026, 2, 23))


def test_tet_2024_and_2027_weekdays_off():
    # 2024: Thu 8 – Wed 14 Feb. 2027: Thu 4 – Wed 10 Feb (Sat 6 = mùng 1, moved weekend days).
    assert working_days_between(date(2024, 2, 7), date(2024, 2, 14), VN) == 0
    assert VN.is_working_day(date(2024, 2, 7)) and VN.is_working_day(date(2024, 2, 15))
    assert working_days_between(date(2027, 2, 3), date(2027, 2, 10), VN) == 0
    assert VN.is_working_day(date(2027, 2, 3)) and VN.is_working_day(date(2027, 2, 11))


def test_compensatory_working_saturdays_come_from_the_package():
    # Bridging days off swapped for a working Saturday ("làm bù").
    assert {date(2024, 5, 4), date(2025, 4, 26), date(2026, 8, 22)} <= VN.extra_working_days
    assert not VN.is_working_day(date(2024, 4, 29))  # Mon, swapped for Sat 4 May 2024
    assert not VN.is_working_day(date(2025, 5, 2))  # Fri, swapped for Sat 26 Apr 2025
    assert not VN.is_working_day(date(2026, 8, 31))  # Mon, swapped for Sat 22 Aug 2026
    # Only the requested years: the 2019 and 2014 swaps are not carried into this calendar.
    assert all(2024 <= day.year <= 2028 for day in VN.extra_working_days)


# --- Hand-worked deadlines ------------------------------------------------------------------------


def test_denunciation_before_tet_2025_seven_working_days():
    # Received Fri 24 Jan 2025 (not counted).
    # Sat 25, Sun 26 off; Mon 27 – Fri 31 Tết off; Sat 1 (Mùng bốn), Sun 2 Feb off;
    # Mon 3 w1, Tue 4 w2, Wed 5 w3, Thu 6 w4, Fri 7 w5; Sat 8, Sun 9 off; Mon 10 w6, Tue 11 w7.
    assert deadline(date(2025, 1, 24), 7, WORKING, VN) == date(2025, 2, 11)


def test_denunciation_before_tet_2025_ten_working_days():
    # As above up to Tue 11 Feb = w7; Wed 12 w8, Thu 13 w9, Fri 14 Feb w10.
    assert deadline(date(2025, 1, 24), 10, WORKING, VN) == date(2025, 2, 14)


def test_calendar_period_ending_in_tet_2025_moves_past_tet():
    # Event Fri 17 Jan 2025; 18 Jan = day 1 ... Mon 27 Jan = day 10, inside Tết.
    # Next working day: Tue 28 – Fri 31 Tết, Sat 1, Sun 2 off -> Mon 3 Feb 2025.
    assert deadline(date(2025, 1, 17), 10, CALENDAR, VN) == date(2025, 2, 3)


def test_calendar_period_ending_in_tet_2026_moves_past_tet():
    # Event Sun 8 Feb 2026; Mon 9 = day 1 ... Wed 18 Feb = day 10 (mùng hai Tết Bính Ngọ).
    # Thu 19, Fri 20 Tết, Sat 21, Sun 22 off -> Mon 23 Feb 2026.
    assert deadline(date(2026, 2, 8), 10, CALENDAR, VN) == date(2026, 2, 23)


def test_seven_working_days_across_tet_2026():
    # Event Fri 13 Feb 2026. Sat 14 – Sun 22 off (Tết Mon 16 – Fri 20);
    # Mon 23 w1 ... Fri 27 w5; Sat 28, Sun 1 Mar off; Mon 2 w6, Tue 3 Mar w7.
    assert deadline(date(2026, 2, 13), 7, WORKING, VN) == date(2026, 3, 3)


def test_calendar_period_ending_on_saturday_moves_to_monday():
    # Event Wed 5 Mar 2025; Thu 6 = day 1 ... Sat 15 Mar = day 10 -> Sun off -> Mon 17 Mar.
    assert deadline(date(2025, 3, 5), 10, CALENDAR, VN) == date(2025, 3, 17)


def test_thirty_calendar_days_ending_on_a_working_day():
    # Event Mon 3 Mar 2025; 31 days in March: 4 Mar = day 1, 31 Mar = day 28, 1 Apr = 29, Wed 2 Apr = 30.
    assert deadline(date(2025, 3, 3), 30, CALENDAR, VN) == date(2025, 4, 2)


def test_thirty_calendar_days_ending_on_30_april_2025():
    # Event Mon 31 Mar 2025; 1 Apr = day 1 ... Wed 30 Apr = day 30 (Ngày Chiến thắng, off).
    # Thu 1 May off; Fri 2 May bridging day off (worked Sat 26 Apr); Sat 3, Sun 4 off -> Mon 5 May.
    assert deadline(date(2025, 3, 31), 30, CALENDAR, VN) == date(2025, 5, 5)


def test_working_days_across_30_april_1_may_2025_with_a_working_saturday():
    # Event Fri 25 Apr 2025. Sat 26 Apr is a working day (làm bù for Fri 2 May) -> w1;
    # Sun 27 off; Mon 28 w2; Tue 29 w3; Wed 30, Thu 1, Fri 2 off; Sat 3, Sun 4 off; Mon 5 w4; Tue 6 May w5.
    assert deadline(date(2025, 4, 25), 5, WORKING, VN) == date(2025, 5, 6)


def test_working_days_across_30_april_1_may_2024_ending_on_a_working_saturday():
    # Event Fri 26 Apr 2024. Sat 27, Sun 28 off; Mon 29 bridging day off (worked Sat 4 May);
    # Tue 30, Wed 1 off; Thu 2 w1; Fri 3 w2; Sat 4 May is a working day -> w3.
    assert deadline(date(2024, 4, 26), 3, WORKING, VN) == date(2024, 5, 4)


def test_working_days_across_national_day_2025():
    # National Day is 2 days (2 Sep plus the day before or after; Labor Code 2019, from 2021):
    # in 2025 Mon 1 and Tue 2 Sep are off.
    # Event Thu 28 Aug 2025. Fri 29 w1; Sat 30, Sun 31, Mon 1, Tue 2 off; Wed 3 w2; Thu 4 w3;
    # Fri 5 w4; Sat 6, Sun 7 off; Mon 8 Sep w5.
    assert deadline(date(2025, 8, 28), 5, WORKING, VN) == date(2025, 9, 8)


def test_working_days_across_national_day_2026():
    # 2026 (package data): Mon 31 Aug bridging day off (worked Sat 22 Aug), Tue 1 and Wed 2 Sep off.
    # Event Fri 21 Aug 2026. Sat 22 w1 (làm bù); Sun 23 off; Mon 24 w2 ... Fri 28 w6;
    # Sat 29, Sun 30, Mon 31, Tue 1, Wed 2 off; Thu 3 Sep w7.
    assert deadline(date(2026, 8, 21), 7, WORKING, VN) == date(2026, 9, 3)


def test_working_days_across_new_year():
    # Event Wed 31 Dec 2025; Thu 1 Jan 2026 off (Tết Dương lịch); Fri 2 Jan w1.
    assert deadline(date(2025, 12, 31), 1, WORKING, VN) == date(2026, 1, 2)


def test_working_days_between_counts_after_start_up_to_end():
    # Mon 3 Mar 2025 .. Mon 10 Mar 2025: Tue 4, Wed 5, Thu 6, Fri 7, Mon 10 -> 5.
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 10), VN) == 5
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 3), VN) == 0
    assert working_days_between(date(2025, 3, 10), date(2025, 3, 3), VN) == 0


# --- API behaviour --------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, -1])
@pytest.mark.parametrize("kind", list(DayKind))
def test_days_must_be_positive(days, kind):
    with pytest.raises(ValueError, match="at least 1 day"):
        deadline(date(2025, 3, 3), days, kind, VN)


def test_kind_accepts_its_string_value():
    assert deadline(date(2025, 1, 24), 7, "working", VN) == date(2025, 2, 11)
    assert deadline(date(2025, 3, 5), 10, "calendar", VN) == date(2025, 3, 17)


def test_datetimes_are_taken_as_their_date():
    assert deadline(datetime(2025, 1, 24, 16, 30), 7, WORKING, VN) == date(2025, 2, 11)
    calendar = WorkCalendar(holidays=[datetime(2025, 3, 4, 9, 0)])
    assert calendar.holidays == frozenset({date(2025, 3, 4)})


def test_extra_holidays_and_working_days_from_administrators():
    # A local day off on Wed 5 Mar 2025 and a declared working Saturday 8 Mar 2025.
    calendar = WorkCalendar.vietnam([2025], extra_holidays=[date(2025, 3, 5)], extra_working_days=[date(2025, 3, 8)])
    # Event Mon 3 Mar: Tue 4 w1; Wed 5 off; Thu 6 w2; Fri 7 w3; Sat 8 w4.
    assert deadline(date(2025, 3, 3), 4, WORKING, calendar) == date(2025, 3, 8)
    assert deadline(date(2025, 3, 3), 4, WORKING, VN) == date(2025, 3, 7)


def test_administrator_entries_override_the_package():
    # Cancel the 2025 swap: Fri 2 May worked, Sat 26 Apr a day off again.
    calendar = WorkCalendar.vietnam([2025], extra_holidays=[date(2025, 4, 26)], extra_working_days=[date(2025, 5, 2)])
    assert calendar.is_working_day(date(2025, 5, 2))
    assert not calendar.is_working_day(date(2025, 4, 26))


def test_a_date_cannot_be_both_holiday_and_working_day():
    with pytest.raises(ValueError, match="2025-03-08"):
        WorkCalendar(holidays=frozenset({date(2025, 3, 8)}), extra_working_days=frozenset({date(2025, 3, 8)}))
    with pytest.raises(ValueError):
        WorkCalendar.vietnam([2025], extra_holidays=[date(2025, 3, 8)], extra_working_days=[date(2025, 3, 8)])


def test_plain_calendar_without_holidays():
    calendar = WorkCalendar(holidays=frozenset())
    assert calendar.next_working_day(date(2025, 3, 8)) == date(2025, 3, 10)  # Sat -> Mon
    assert calendar.next_working_day(date(2025, 3, 10)) == date(2025, 3, 10)
    assert deadline(date(2025, 3, 7), 1, WORKING, calendar) == date(2025, 3, 10)


# --- Properties -----------------------------------------------------------------------------------

WINDOW_START, WINDOW_END = date(2024, 1, 1), date(2027, 12, 31)
events = st.dates(WINDOW_START, WINDOW_END)
periods = st.integers(min_value=1, max_value=90)
kinds = st.sampled_from(list(DayKind))


@st.composite
def random_calendars(draw):
    """Dense random calendars: clusters of holidays and a few working weekend days."""
    days_off = draw(st.sets(st.dates(WINDOW_START, WINDOW_END), max_size=60))
    # Runs of consecutive days off, like Tết.
    for start in draw(st.lists(st.dates(WINDOW_START, WINDOW_END), max_size=5)):
        days_off |= {start + timedelta(n) for n in range(draw(st.integers(1, 12)))}
    days_on = {day for day in draw(st.sets(st.dates(WINDOW_START, WINDOW_END), max_size=20)) if day.weekday() >= 5}
    return WorkCalendar(holidays=frozenset(days_off - days_on), extra_working_days=frozenset(days_on))


calendars = st.one_of(st.just(VN), random_calendars())


@given(event=events, days=periods, kind=kinds, calendar=calendars)
def test_deadline_is_a_working_day_after_the_event(event, days, kind, calendar):
    result = deadline(event, days, kind, calendar)
    assert result > event
    assert calendar.is_working_day(result)


@given(event=events, days=periods, calendar=calendars)
def test_working_deadline_is_the_nth_working_day(event, days, calendar):
    result = deadline(event, days, WORKING, calendar)
    assert working_days_between(event, result, calendar) == days
    assert working_days_between(event, result - timedelta(1), calendar) == days - 1


@given(event=events, days=periods, calendar=calendars)
def test_calendar_deadline_only_skips_non_working_days(event, days, calendar):
    result = deadline(event, days, CALENDAR, calendar)
    last_day = event + timedelta(days)
    assert result >= last_day
    for offset in range((result - last_day).days):
        assert not calendar.is_working_day(last_day + timedelta(offset))


@given(event=events, days=periods, more=st.integers(0, 30), kind=kinds, calendar=calendars)
def test_more_days_never_give_an_earlier_deadline(event, days, more, kind, calendar):
    assert deadline(event, days, kind, calendar) <= deadline(event, days + more, kind, calendar)


@given(event=events, days=periods, calendar=calendars)
def test_working_days_period_is_never_shorter_than_calendar_days(event, days, calendar):
    # Every working day is a calendar day, so n working days reach at least n calendar days,
    # and the CALENDAR deadline then stops at the first working day.
    assert deadline(event, days, CALENDAR, calendar) <= deadline(event, days, WORKING, calendar)


@given(a=events, b=events, c=events, calendar=calendars)
def test_working_days_between_is_additive(a, b, c, calendar):
    a, b, c = sorted((a, b, c))
    assert working_days_between(a, c, calendar) == (
        working_days_between(a, b, calendar) + working_days_between(b, c, calendar)
    )


@given(day=events, calendar=calendars)
def test_next_working_day_is_the_first_working_day_on_or_after(day, calendar):
    result = calendar.next_working_day(day)
    assert result >= day
    assert calendar.is_working_day(result)
    assert all(not calendar.is_working_day(day + timedelta(n)) for n in range((result - day).days))
