"""Plausible dates: the one home of the bounds every dated record keeps.

A date typed with the wrong year (01/01/0001, 2206) is refused next to its field instead of being stored and
breaking the pages that show it. Two bounds hold everywhere: no record is dated before the earliest date the
register keeps (settings.RECORDS_EARLIEST_DATE, or the day its unit came into being: see
organizations.models.Unit.records_from), and what has happened (a held session, a letter received, a case
accepted, an inspection) is not dated in the future. Forms, services and importers all go through the model's
field validators and clean(), so these functions are the only place the bounds are written.
"""

from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def earliest_date() -> date:
    """The earliest date any record may carry."""
    return settings.RECORDS_EARLIEST_DATE


def as_local_date(value: date | datetime) -> date:
    """The calendar day of a date, or of a time in the local time zone."""
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def shifted(day: date, delta: timedelta) -> date:
    """`day` moved by `delta`, held at the first or last day Python can represent: a window around a stored absurd
    date (year 1, from before dates were bounded) must not overflow into a server error."""
    try:
        return day + delta
    except OverflowError:
        return date.min if delta < timedelta(0) else date.max


def validate_plausible_date(value: date | datetime | None) -> None:
    """Refuse a date before the earliest the register keeps (a typo in the year)."""
    if value is None:
        return
    floor = earliest_date()
    try:
        day = as_local_date(value)
    except OverflowError:
        day = date.min
    if day < floor:
        raise ValidationError(
            _("The date must not be before %(floor)s; check the year."),
            code="date_too_early",
            params={"floor": floor.strftime("%d/%m/%Y")},
        )


def validate_not_future(value: date | datetime | None) -> None:
    """Refuse a date after today, for what has already happened."""
    if value is None:
        return
    if as_local_date(value) > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="date_in_future")


def validate_plausible_year(value: int | None) -> None:
    """Refuse a year before the earliest the register keeps or after this year (a year rated, a year of report)."""
    if value is None:
        return
    floor = earliest_date().year
    if value < floor or value > timezone.localdate().year:
        raise ValidationError(
            _("The year must be between %(floor)s and this year."), code="year_out_of_range", params={"floor": floor}
        )


def check_not_before(
    instance: object, names: Iterable[str], floor: Callable[[], date], exclude: Collection[str] | None = None
) -> None:
    """Refuse the dates of `instance` named in `names` (those not excluded) that fall before `floor()`, the day its
    unit came into being (asked only when there is a date to check: it may cost a query). For a model's
    clean_fields, so that a form leaving the field out, or a service voiding the record, does not trip on it."""
    values = {name: getattr(instance, name) for name in names if not exclude or name not in exclude}
    values = {name: value for name, value in values.items() if value is not None}
    if not values:
        return
    bound = floor()
    errors = {}
    for name, value in values.items():
        try:
            day = as_local_date(value)
        except OverflowError:
            day = date.min
        if day < bound:
            errors[name] = ValidationError(
                _("The date must not be before %(floor)s, when the unit came into being."),
                code="before_unit",
                params={"floor": bound.strftime("%d/%m/%Y")},
            )
    if errors:
        raise ValidationError(errors)


# The validators of a model's date field: a day that has happened, or any plausible day (a deadline, a schedule).
PAST_DATE_VALIDATORS = [validate_plausible_date, validate_not_future]
DATE_VALIDATORS = [validate_plausible_date]


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February, where that year has none, becomes 1 March (a period
    counted from it ends no earlier than a full count of days would)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier; 29 February, where that year has none, becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)
