"""Which records are past their retention period, and which of them are held.

Each kind of record (RecordKind) is a query of its own model: the records the user may approve disposals for
(Action.APPROVE, through the scope gate), whose period counted from the day their handling ended is over, that
are not disposed yet and not held. A record is kept until `counted_from` plus the rule's years (core.dates.
years_after) and is past its period the day after; in SQL that is `counted_from <= years_before(yesterday)`.

Held, and so not listed: anything still open (a letter not handled, a case not closed, a case reopened by a later
attempt), a case the committee watches (hot spot, focus, over-level), and any record with a hold placed by hand.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.text import capfirst

from accounts.roles import Action
from accounts.scoping import Principal, ScopedQuerySet
from cases.choices import OPEN_STATUSES, CaseStatus, LetterDisposition
from cases.models import Case, Letter
from citizens.models import Visit
from core.dates import years_after, years_before
from retention.models import DisposedRecord, RecordKind, RetentionHold, RetentionRule

FORWARDED = (LetterDisposition.GUIDED, LetterDisposition.TRANSFERRED, LetterDisposition.URGED)


@dataclass(frozen=True)
class Candidate:
    """A record past its period, as the list shows it: no person's name, only what identifies the record."""

    kind: str
    record_id: int
    label: str
    unit_id: int
    unit_name: str
    url: str
    counted_from: date
    kept_until: date


def rules() -> dict[str, RetentionRule]:
    return {rule.kind: rule for rule in RetentionRule.objects.all()}


def _not_disposed_nor_held(queryset: QuerySet[Any], kind: str) -> QuerySet[Any]:
    disposed = DisposedRecord.objects.filter(kind=kind, record_id=OuterRef("pk"))
    held = RetentionHold.objects.filter(kind=kind, record_id=OuterRef("pk"), lifted_at__isnull=True)
    return queryset.exclude(Exists(disposed)).exclude(Exists(held))


def _records(kind: str) -> ScopedQuerySet:
    """The records of `kind` that have ended, with `counted_from` annotated: not yet filtered by scope or date."""
    if kind in (RecordKind.ARCHIVED_LETTER, RecordKind.FORWARDED_LETTER):
        dispositions = [LetterDisposition.ARCHIVED] if kind == RecordKind.ARCHIVED_LETTER else list(FORWARDED)
        return (
            Letter.objects.filter(is_void=False, case__isnull=True, disposition__in=dispositions)
            .alias(counted_from=F("disposed_on"))
            .select_related("unit")
        )
    if kind == RecordKind.CLOSED_CASE:
        reopened = Case.objects.filter(previous_case=OuterRef("pk"), status__in=OPEN_STATUSES, is_void=False)
        return (
            Case.objects.filter(
                is_void=False,
                merged_into__isnull=True,
                status=CaseStatus.CLOSED,
                is_hot_spot=False,
                is_focus=False,
                is_over_level=False,
            )
            .exclude(Exists(reopened))
            .alias(counted_from=F("closed_on"))
            .select_related("unit")
        )
    if kind == RecordKind.VISIT:
        return (
            Visit.objects.filter(is_void=False, session__is_void=False, letters__isnull=True, opened_case__isnull=True)
            .alias(counted_from=TruncDate("session__starts_at"))
            .select_related("session__unit")
        )
    raise ValueError(kind)


def past_period(kind: str, *, user: Principal, today: date | None = None) -> QuerySet[Any]:
    """The records of `kind` the user may approve for disposal, past their period and neither disposed nor held;
    none when the kind has no rule."""
    rule = rules().get(kind)
    queryset = _records(kind).visible_to(user, Action.APPROVE)
    if rule is None:
        return queryset.none()
    today = today or timezone.localdate()
    cutoff = years_before(today - timedelta(days=1), rule.years)
    return _not_disposed_nor_held(queryset.filter(counted_from__lte=cutoff), kind).order_by("counted_from", "pk")


def counted_from(kind: str, record: Any) -> date:
    if kind == RecordKind.CLOSED_CASE:
        day: date = record.closed_on
    elif kind == RecordKind.VISIT:
        day = timezone.localdate(record.session.starts_at)
    else:
        day = record.disposed_on
    return day


def record_unit(kind: str, record: Any) -> Any:
    return record.session.unit if kind == RecordKind.VISIT else record.unit


def record_label(kind: str, record: Any) -> str:
    """The record by kind and number, as lists, holds and the disposal name it (never the person)."""
    if kind == RecordKind.VISIT:
        session = record.session
        return f"{capfirst(Visit._meta.verbose_name)} #{record.pk} · {timezone.localdate(session.starts_at):%d/%m/%Y}"
    return f"{capfirst(type(record)._meta.verbose_name)} {record.number}"


def as_candidates(kind: str, records: list[Any], years: int) -> list[Candidate]:
    out = []
    for record in records:
        start = counted_from(kind, record)
        unit = record_unit(kind, record)
        out.append(
            Candidate(
                kind=kind,
                record_id=record.pk,
                label=record_label(kind, record),
                unit_id=unit.pk,
                unit_name=str(unit),
                url=record.session.get_absolute_url() if kind == RecordKind.VISIT else record.get_absolute_url(),
                counted_from=start,
                kept_until=years_after(start, years),
            )
        )
    return out


def counts(*, user: Principal, today: date | None = None) -> dict[str, int]:
    """How many records of each kind are past their period for `user` (one count query per kind)."""
    return {kind: past_period(kind, user=user, today=today).count() for kind in RecordKind.values}


def active_holds(user: Principal) -> QuerySet[RetentionHold]:
    return (
        RetentionHold.objects.visible_to(user, Action.APPROVE)
        .filter(lifted_at__isnull=True)
        .select_related("unit", "placed_by")
    )
