"""Reporting periods with the statistical cut-off of Circular 01/2024/TT-TTCP: a year runs from 15 December of
the previous year to 14 December; the half year to 14 June, nine months to 14 September, quarter I to 14 March."""

from datetime import date


def half_year_start(day: date) -> date:
    """First day of the statistical half year containing `day` (15/12 → 14/06, 15/06 → 14/12)."""
    if day >= date(day.year, 12, 15):
        return date(day.year, 12, 15)
    if day >= date(day.year, 6, 15):
        return date(day.year, 6, 15)
    return date(day.year - 1, 12, 15)


# The statistical report periods (Circular 01/2024/TT-TTCP): all start on 15 December of the previous year.
STATISTICAL_ENDS = {"quarter_1": (3, 14), "half_year": (6, 14), "nine_months": (9, 14), "year": (12, 14)}
CALENDAR_ENDS = {"quarter_1": (3, 31), "half_year": (6, 30), "nine_months": (9, 30), "year": (12, 31)}


def period_bounds(kind: str, year: int, *, calendar: bool = False) -> tuple[date, date]:
    """First and last day of a report period of `year`: statistical (15/12 of the previous year to the cut-off)
    or calendar (1/1 to the end of the quarter, half, nine months or year)."""
    if calendar:
        month, day = CALENDAR_ENDS[kind]
        return date(year, 1, 1), date(year, month, day)
    month, day = STATISTICAL_ENDS[kind]
    return date(year - 1, 12, 15), date(year, month, day)
