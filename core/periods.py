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
