"""Holds and disposals. A disposal is approved by a committee member with the right to approve (Action.APPROVE)
for the records' units; it re-checks every chosen record under lock (still past its period, not held, not already
disposed), anonymises them all or none, names each in the disposal and logs each in the personal-data log."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.confidentiality import log_labelled_views
from accounts.models import PersonalDataAccess, User
from accounts.roles import Action
from accounts.scoping import require_right, subtree_ids
from cases.models import Case, Letter
from citizens.models import Visit
from core.dates import years_after
from organizations.models import Unit
from retention import anonymise
from retention.models import Disposal, DisposedRecord, RecordKind, RetentionHold
from retention.selectors import counted_from, past_period, record_label, record_unit, rules

MAX_RECORDS = 500  # one decision, one page of records at most: a disposal stays quick to approve and to read


def _record(kind: str, record_id: int) -> Any:
    if kind == RecordKind.VISIT:
        return Visit.objects.select_related("session__unit").get(pk=record_id)
    if kind == RecordKind.CLOSED_CASE:
        return Case.objects.select_related("unit").get(pk=record_id)
    return Letter.objects.select_related("unit").get(pk=record_id)


@transaction.atomic
def hold_place(*, user: User, kind: str, record_id: int, reason: str) -> RetentionHold:
    """Keep a record past its period (under inspection, asked for by a court…) until the hold is lifted."""
    if kind not in RecordKind.values:
        raise ValidationError(_("Unknown kind of record."))
    try:
        record = _record(kind, record_id)
    except (Case.DoesNotExist, Letter.DoesNotExist, Visit.DoesNotExist) as error:
        raise ValidationError(_("No such record.")) from error
    unit = record_unit(kind, record)
    require_right(user, Action.APPROVE, unit.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is kept.")})
    if RetentionHold.objects.filter(kind=kind, record_id=record_id, lifted_at__isnull=True).exists():
        raise ValidationError(_("This record is already on hold."))
    hold = RetentionHold(
        kind=kind,
        record_id=record_id,
        label=record_label(kind, record),
        unit=unit,
        reason=reason.strip(),
        placed_by=user,
    )
    hold._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
    hold.save()
    return hold


@transaction.atomic
def hold_lift(*, user: User, hold: RetentionHold) -> RetentionHold:
    require_right(user, Action.APPROVE, hold.unit_id)
    hold = RetentionHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise ValidationError(_("This hold has already been lifted."))
    hold.lifted_by, hold.lifted_at = user, timezone.now()
    hold._history_user = user  # type: ignore[attr-defined]
    hold.save()
    return hold


@transaction.atomic
def dispose(
    *,
    user: User,
    unit: Unit,
    decision: str,
    decided_on: date,
    records: Iterable[tuple[str, int]],
    note: str = "",
) -> Disposal:
    """Approve the disposal of `records` ((kind, id) pairs) of `unit`'s subtree under `decision`: anonymise them,
    keep their statistics, name each in the disposal and log it. All or nothing."""
    require_right(user, Action.APPROVE, unit.pk)
    errors: dict[str, str] = {}
    if not decision.strip():
        errors["decision"] = _("Give the number of the decision or minutes approving the disposal.")
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("The date cannot be in the future.")
    chosen: dict[str, set[int]] = {}
    for kind, record_id in records:
        chosen.setdefault(kind, set()).add(record_id)
    if not chosen:
        errors["records"] = _("Choose the records to dispose of.")
    elif sum(len(ids) for ids in chosen.values()) > MAX_RECORDS:
        errors["records"] = _("At most {count} records per disposal.").format(count=MAX_RECORDS)
    if errors:
        raise ValidationError(errors)
    in_unit = subtree_ids({unit.pk})
    table = rules()
    found: dict[str, list[Any]] = {}
    for kind, ids in chosen.items():
        if kind not in RecordKind.values:
            raise ValidationError({"records": _("Unknown kind of record.")})
        # Locked, then checked again: of two members approving the same records at once, the second is refused.
        model = Visit if kind == RecordKind.VISIT else Case if kind == RecordKind.CLOSED_CASE else Letter
        list(model.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        eligible = list(past_period(kind, user=user).filter(pk__in=ids))
        eligible = [record for record in eligible if record_unit(kind, record).pk in in_unit]
        if len(eligible) != len(ids):
            raise ValidationError(
                {
                    "records": _(
                        "Some of the chosen records can no longer be disposed of (held, disposed of meanwhile, or "
                        "outside the unit): show the list again."
                    )
                }
            )
        found[kind] = eligible
    disposal = Disposal.objects.create(
        unit=unit, decision=decision.strip(), decided_on=decided_on, note=note.strip(), approved_by=user
    )
    rows, people = [], set()
    for kind, found_records in found.items():
        for record in found_records:
            start = counted_from(kind, record)
            rows.append(
                DisposedRecord(
                    disposal=disposal,
                    kind=kind,
                    record_id=record.pk,
                    label=record_label(kind, record),
                    unit=record_unit(kind, record),
                    counted_from=start,
                    kept_until=years_after(start, table[kind].years),
                )
            )
        people |= _anonymise(kind, found_records, user=user, decision=disposal.decision)
    DisposedRecord.objects.bulk_create(rows)
    anonymise.anonymise_people_left_without_records(people, user=user)
    log_labelled_views(
        user=user,
        views=[(row.label, row.unit.pk) for row in rows],
        path=disposal_path(disposal),
        kind=PersonalDataAccess.Kind.ANONYMISE,
    )
    return disposal


def _anonymise(kind: str, records: list[Any], *, user: User, decision: str) -> set[int]:
    if kind == RecordKind.VISIT:
        return anonymise.anonymise_visits(records, user=user, decision=decision)
    if kind != RecordKind.CLOSED_CASE:
        # A letter goes with the visit that brought it.
        visits = Visit.objects.filter(letters__in=records, opened_case__isnull=True).distinct()
        people = anonymise.anonymise_letters(records, user=user, decision=decision)
        return people | anonymise.anonymise_visits(list(visits.select_related("session")), user=user, decision=decision)
    # A closed case goes with its letters, the visits that brought them and the duplicates merged into it.
    cases = records + list(Case.objects.filter(merged_into__in=records).select_related("unit"))
    letters = list(Letter.objects.filter(case__in=cases).select_related("unit"))
    visits = Visit.objects.filter(Q(opened_case__in=cases) | Q(letters__in=letters)).distinct()
    people = anonymise.anonymise_cases(cases, user=user, decision=decision)
    people |= anonymise.anonymise_letters(letters, user=user, decision=decision)
    return people | anonymise.anonymise_visits(list(visits.select_related("session")), user=user, decision=decision)


def disposal_path(disposal: Disposal) -> str:
    return reverse("retention:disposal_detail", kwargs={"pk": disposal.pk})
