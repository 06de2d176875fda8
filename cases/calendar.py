"""Statutory deadline arithmetic for complaint and denunciation handling.

Pure date arithmetic: no Django models, no database. The rules are those of the
Civil Code 2015 on counting periods, which the laws on complaints and
denunciations rely on:

* Art. 147: when a period is counted in days, the day of the event is not
  counted; the period starts on the following day.
* Art. 148: a period counted in days ends at the end of its last day; when that
  last day is a weekly rest day or a public holiday, the period ends at the end
  of the next working day.
* Periods counted in *working days* (e.g. "trong thời hạn 07 ngày làm việc")
  count only working days: Monday to Friday that are not public holidays, plus
  the weekend days the Government declares working days when it swaps a working
  day for a bridging day off ("làm bù").

A `WorkCalendar` is only as good as the years it was built for: dates outside
those years are treated as having no public holidays. Build it for the year of
the event *and the next one*, since deadlines can cross New Year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import holidays as holidays_package  # aliased: `holidays` is also a WorkCalendar field

__all__ = ["DayKind", "WorkCalendar", "deadline", "working_days_between"]

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5  # date.weekday(): Monday == 0 ... Saturday == 5, Sunday == 6.


def _as_date(value: date) -> date:
    """Return `value` as a plain `date` (a `datetime` is truncated to its date)."""
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return value


def _is_weekend(day: date) -> bool:
    return day.weekday() >= _SATURDAY


class DayKind(StrEnum):
    """How a statutory period is counted."""

    CALENDAR = "calendar"
    """Calendar days ("ngày"); a last day that is not a working day moves to the next working day."""

    WORKING = "working"
    """Working days ("ngày làm việc"); only working days are counted."""


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days for public bodies.

    A day is a working day when it is not in `holidays` and it is either a
    weekday (Monday–Friday) or listed in `extra_working_days`.

    Attributes:
        holidays: days off that would otherwise be working days (public
            holidays, compensatory days off, bridging days off).
        extra_working_days: weekend days declared working days ("ngày làm bù")
            in exchange for a bridging day off.

    The two sets must be disjoint; a date in both raises `ValueError`.
    Any iterable of dates is accepted and stored as a `frozenset`; datetimes are
    truncated to their date.
    """

    holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        days_off = frozenset(_as_date(day) for day in self.holidays)
        days_on = frozenset(_as_date(day) for day in self.extra_working_days)
        if clash := days_off & days_on:
            listed = ", ".join(day.isoformat() for day in sorted(clash))
            raise ValueError(f"dates both holidays and extra working days: {listed}")
        object.__setattr__(self, "holidays", days_off)
        object.__setattr__(self, "extra_working_days", days_on)

    def is_working_day(self, day: date) -> bool:
        """Whether public bodies work on `day`."""
        day = _as_date(day)
        if day in self.holidays:
            return False
        if _is_weekend(day):
            return day in self.extra_working_days
        return True

    def next_working_day(self, day: date) -> date:
        """The first working day on or after `day`."""
        day = _as_date(day)
        # Terminates: `holidays` is finite, so some weekday after it is a working day.
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    @classmethod
    def vietnam(
        cls,
        years: range | Iterable[int],
        extra_holidays: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> WorkCalendar:
        """Vietnam's calendar for `years`, from the `holidays` package, plus local additions.

        From `holidays.country_holidays("VN", ...)` it takes every holiday that
        falls on a weekday (statutory holidays, the days off in lieu of holidays
        falling on a weekend — labelled "nghỉ bù" — and the Government's
        bridging days off, labelled "Ngày nghỉ (thay cho ngày …)"), and from its
        `weekend_workdays` the weekend days worked in exchange, restricted to
        `years`.

        `extra_holidays` and `extra_working_days` (entered by administrators)
        take precedence over the package: an extra working day cancels a
        package holiday on that date and an extra holiday cancels a package
        working weekend day. Listing the same date in both raises `ValueError`.
        """
        wanted_years = sorted({int(year) for year in years})
        added_off = frozenset(_as_date(day) for day in extra_holidays)
        added_on = frozenset(_as_date(day) for day in extra_working_days)

        vietnam = holidays_package.country_holidays("VN", years=wanted_years)
        package_off = {day for day in vietnam if not _is_weekend(day)}
        package_on = {day for day in getattr(vietnam, "weekend_workdays", ()) if day.year in wanted_years}

        return cls(
            holidays=frozenset((package_off - added_on) | added_off),
            extra_working_days=frozenset((package_on - added_off) | added_on),
        )


def deadline(event: date, days: int, kind: DayKind, calendar: WorkCalendar) -> date:
    """The last day of a period of `days` days (of `kind`) starting after `event`.

    The event day itself is never counted (Civil Code Art. 147).

    * `DayKind.CALENDAR`: `event + days`; if that day is not a working day, the
      next working day (Civil Code Art. 148).
    * `DayKind.WORKING`: the `days`-th working day after `event`.

    The period ends at the end of the returned day. Raises `ValueError` when
    `days` < 1.
    """
    event = _as_date(event)
    if days < 1:
        raise ValueError(f"a period must be at least 1 day long, got {days}")
    kind = DayKind(kind)
    if kind is DayKind.CALENDAR:
        return calendar.next_working_day(event + timedelta(days=days))
    day = event
    remaining = days
    while remaining:
        day += _ONE_DAY
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, calendar: WorkCalendar) -> int:
    """The number of working days `d` with `start < d <= end` (0 when `end <= start`)."""
    start, end = _as_date(start), _as_date(end)
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        if calendar.is_working_day(day):
            count += 1
        day += _ONE_DAY
    return count
