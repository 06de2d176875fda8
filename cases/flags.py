"""Flags the committees watch, each with a rule the app can explain (DESIGN §5). Mass, backlogged and
prolonged are derived from the data; over-level, hot spot and focus list are designated with a reason."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATUSES, Designation
from cases.models import Case
from citizens.delegations import is_mass, mass_q, mass_threshold
from core.periods import half_year_start

# The booleans on Case that mirror the designated flags, so lists filter on them with an index.
DESIGNATION_FIELDS: dict[str, str] = {  # by Designation
    Designation.OVER_LEVEL: "is_over_level",
    Designation.HOT_SPOT: "is_hot_spot",
    Designation.FOCUS: "is_focus",
}


def designated_flag_is_on(case: Case, kind: str) -> bool:
    """A designated flag is on while any designation of its kind on the case is not lifted: the boolean mirrors
    the designations and is never set from what one lift or one designation alone says."""
    return case.designations.filter(kind=kind, lifted_at__isnull=True).exists()


def backlog_cutoff(today: date) -> date:
    """Cases received before the current statistical half year and still open are backlogged (tồn đọng)."""
    return half_year_start(today)


def prolonged_cutoff(today: date) -> date:
    return today - timedelta(days=settings.PROLONGED_AFTER_DAYS)


def flag_filter(flag: str, today: date) -> Q:
    """The condition of each flag, for list filters and statistics."""
    is_open = Q(status__in=OPEN_STATUSES)
    return {
        "mass": mass_q(),
        "backlogged": is_open & Q(received_on__lt=backlog_cutoff(today)),
        "prolonged": is_open & (Q(received_on__lt=prolonged_cutoff(today)) | Q(letter_count__gte=2)),
        Designation.OVER_LEVEL: Q(is_over_level=True),
        Designation.HOT_SPOT: Q(is_hot_spot=True),
        Designation.FOCUS: Q(is_focus=True),
    }[flag]


def with_letter_count(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(letter_count=Count("letters", filter=Q(letters__is_void=False)))


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    why: str


def case_flags(case: Case, *, today: date, letter_count: int, designations: list) -> list[Flag]:
    """The flags on a case and why each is on."""
    flags = []
    if is_mass(case.people_count):
        flags.append(
            Flag(
                "mass",
                _("Mass"),
                _("{count} people; the threshold is {threshold}.").format(
                    count=case.people_count, threshold=mass_threshold()
                ),
            )
        )
    is_open = case.status in OPEN_STATUSES
    cutoff = backlog_cutoff(today)
    if is_open and case.received_on < cutoff:
        flags.append(
            Flag(
                "backlogged",
                _("Backlogged"),
                _(
                    "Received on {received}, before the current reporting period began on {cutoff}, and not resolved."
                ).format(received=case.received_on.strftime("%d/%m/%Y"), cutoff=cutoff.strftime("%d/%m/%Y")),
            )
        )
    if is_open and letter_count >= 2:
        flags.append(
            Flag("prolonged", _("Prolonged"), _("{count} letters on the same matter.").format(count=letter_count))
        )
    elif is_open and case.received_on < prolonged_cutoff(today):
        flags.append(
            Flag(
                "prolonged",
                _("Prolonged"),
                _("Open for more than {days} days.").format(days=settings.PROLONGED_AFTER_DAYS),
            )
        )
    for designation in designations:
        flags.append(
            Flag(
                designation.kind,
                designation.get_kind_display(),
                _("Designated by {user} on {date}: {reason}").format(
                    user=designation.designated_by,
                    date=designation.designated_at.strftime("%d/%m/%Y"),
                    reason=designation.reason,
                ),
            )
        )
    return flags
