"""Reads of cases: lists with masking applied, the case page, due-soon and overdue lists."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.confidentiality import is_masked, log_identity_views, mask_records, masked_value
from accounts.models import User
from accounts.scoping import Principal
from cases.choices import OPEN_STATUSES, EventKind
from cases.flags import Flag, case_flags
from cases.models import OPEN_LETTER, Case, CaseDeadline, CaseField, CaseQuerySet, Letter, LetterQuerySet
from citizens.delegations import mass_q
from core.history import history_entries
from organizations.models import Unit

# Events whose note names a document (a document attached, or voided): a file name may name the denouncer.
DOCUMENT_EVENTS = frozenset({EventKind.ATTACHMENT, EventKind.VOIDED})

# Fields whose changes the case's own events already tell (status moves, deadlines, flags, merges).
EVENT_FIELDS = frozenset(
    {
        "status",
        "due_on",
        "accepted_on",
        "concluded_on",
        "closed_on",
        "outcome",
        "decision_number",
        "decision_signer",
        "is_over_level",
        "is_hot_spot",
        "is_focus",
        "merged_into",
        "handler",
        "is_void",
        "void_reason",
    }
)


def case_list_queryset() -> CaseQuerySet[Case, Case]:
    """Cases for the lists, with what a row shows joined; the folded search texts (the longest columns, never
    shown) are left in the database."""
    return (
        Case.objects.active()
        .select_related("unit", "field", "complainant", "handler")
        .defer("search_text", "identity_text", "unit__search_text", "complainant__search_text")
        .order_by("-received_on", "-pk")
    )


def names_someone(case: Case) -> bool:
    """Whether the case shows a person: its complainant or other complainants."""
    return case.complainant_id is not None or bool(case.other_complainants)


def mask_identities(cases: Iterable[Case], user: Principal, *, path: str) -> None:
    """Mark each case whose complainant the user may not see (`case.identity_masked`); log the protected ones
    shown (accounts/confidentiality.py). One insert at most."""
    mask_records(cases, user=user, path=path, names_someone=names_someone)


def due_queryset(*, user: Principal, overdue: bool) -> CaseQuerySet[Case, Case]:
    """Open cases in scope that are overdue, or due within DUE_SOON_DAYS, earliest first."""
    today = timezone.localdate()
    cases = case_list_queryset().visible_to(user).filter(status__in=OPEN_STATUSES, due_on__isnull=False)
    if overdue:
        cases = cases.filter(due_on__lt=today)
    else:
        cases = cases.filter(due_on__gte=today, due_on__lte=today + timedelta(days=settings.DUE_SOON_DAYS))
    return cases.order_by("due_on", "pk")


def letter_due_queryset(*, user: Principal, overdue: bool) -> LetterQuerySet[Letter, Letter]:
    """Letters in scope still to be handled whose processing deadline has passed, or falls within DUE_SOON_DAYS,
    earliest first: handling a letter (its disposition) meets the deadline and takes it off both lists."""
    today = timezone.localdate()
    letters = (
        Letter.objects.visible_to(user)
        .filter(OPEN_LETTER, due_on__isnull=False)
        .select_related("unit", "sender", "case")  # the case: whether the sender is protected (is_confidential)
        .defer("search_text", "unit__search_text", "sender__search_text", "case__search_text", "case__identity_text")
    )
    if overdue:
        letters = letters.filter(due_on__lt=today)
    else:
        letters = letters.filter(due_on__gte=today, due_on__lte=today + timedelta(days=settings.DUE_SOON_DAYS))
    return letters.order_by("due_on", "pk")


@dataclass
class CasePage:
    flags: list[Flag]
    deadlines: list[CaseDeadline]
    current_deadline: CaseDeadline | None
    timeline: list[dict]
    letters: list
    identity_masked: bool
    related: list[Case]
    designations: list


def case_page(*, case: Case, user: User, path: str) -> CasePage:
    """Everything the case page shows, in a fixed number of queries. The complainant of a denunciation is
    masked without the identity right (also in the history); when shown, the view is logged."""
    today = timezone.localdate()
    letters = list(case.letters.filter(is_void=False).order_by("received_on", "pk"))
    designations = list(case.designations.filter(lifted_at__isnull=True).select_related("designated_by"))
    deadlines = list(case.deadlines.select_related("rule").prefetch_related("extension_records"))
    current = min((d for d in deadlines if d.met_on is None), key=lambda d: d.due_on, default=None)
    masked = is_masked(user, unit_id=case.unit_id, confidential=case.is_confidential)
    if case.is_confidential and not masked and names_someone(case):
        log_identity_views(user=user, records=[case], path=path)
    events = [
        {
            "at": event.at,
            "user": event.user,
            "label": event.get_kind_display(),
            "action": "",
            "note": masked_value(event.note, masked and event.kind in DOCUMENT_EVENTS),
            "status": (event.get_from_status_display(), event.get_to_status_display()) if event.to_status else None,
            "changes": [],
        }
        for event in case.events.select_related("user")
    ]
    mask = frozenset({"complainant", "other_complainants"}) if masked else frozenset()
    changes = [
        entry
        for entry in history_entries(case.history.all(), label=_("Case"), mask_fields=mask, skip_fields=EVENT_FIELDS)
        if entry["changes"]
    ]
    related = list(
        Case.objects.filter(
            Q(merged_into=case) | Q(pk=case.merged_into_id) | Q(previous_case=case) | Q(pk=case.previous_case_id)
        )
        .exclude(pk=case.pk)
        .visible_to(user)
        .select_related("unit")
    )
    return CasePage(
        flags=case_flags(case, today=today, letter_count=len(letters), designations=designations),
        deadlines=deadlines,
        current_deadline=current,
        timeline=sorted(events + changes, key=lambda e: e["at"], reverse=True),
        letters=letters,
        identity_masked=masked,
        related=related,
        designations=designations,
    )


def flag_counts(*, user: Principal) -> dict[str, int]:
    """How many open cases in scope carry each designated flag (for the overview)."""
    return (
        Case.objects.visible_to(user)
        .active()
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            open=Count("pk"),
            over_level=Count("pk", filter=Q(is_over_level=True)),
            hot_spot=Count("pk", filter=Q(is_hot_spot=True)),
            focus=Count("pk", filter=Q(is_focus=True)),
            overdue=Count("pk", filter=Q(due_on__lt=timezone.localdate())),
        )
    )


def case_trends(*, user: Principal, months: int = 12) -> dict[str, list[dict]]:
    """Cases received in scope over the last months, by month and by field (two grouped queries), for the
    overview's charts."""
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    cases = Case.objects.visible_to(user).active().filter(received_on__gte=first)
    by_month = (
        cases.annotate(month=TruncMonth("received_on")).values_list("month").annotate(n=Count("pk")).order_by("month")
    )
    names = dict(CaseField.objects.values_list("pk", "name"))
    by_field = cases.values_list("field_id").annotate(n=Count("pk")).order_by("-n")
    return {
        "by_month": [{"label": f"{month:%m/%y}", "value": n} for month, n in by_month],
        "by_field": [{"label": names.get(field_id, "?"), "value": n} for field_id, n in by_field],
    }


def area_watch_cases(*, unit: Unit, user: Principal) -> list[Case]:
    """The open hot-spot and mass cases of an organization's area (its own unit and the committee above), shown on
    its weak-organization dossier as evidence of a complex security or complaint situation (DESIGN §3)."""
    area = [unit.pk] + ([unit.parent_id] if unit.parent_id else [])
    return list(
        Case.objects.visible_to(user)
        .active()
        .filter(unit_id__in=area, status__in=OPEN_STATUSES)
        .filter(Q(is_hot_spot=True) | mass_q())
        .select_related("unit")[:20]
    )
