"""Selectors of the two audit logs.

The administrators' audit log merges the history (django-simple-history) of users, role assignments, units and
the rules tables with the security events (sign-ins, failures, second factor, password) into one list, newest
first. The page is cut in SQL (a UNION ALL of the sources' keys, ordered and sliced), then only that page's rows
are read, source by source, with what they changed (core/history.py), so a page costs a fixed number of queries
whatever the size of the tables.

The personal data access log lists core.models.PersonalDataAccess for the units where the reader may audit or
may see identities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.confidentiality import identity_scope
from accounts.models import PersonalDataAccess, SecurityEvent
from accounts.roles import Action
from accounts.scoping import UnitScope, unit_scope
from core.history import history_entries

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SECURITY = "security"


@dataclass(frozen=True)
class AuditSource:
    """A table whose history the audit log shows. `related` are what the object's name needs (select_related)."""

    key: str
    label: StrOrPromise
    model_label: str
    related: tuple[str, ...] = ()

    @cached_property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def history(self) -> models.QuerySet[Any]:
        """The model's historical rows, from the `history` manager django-simple-history adds to every model it
        tracks (a model class taken by its label does not declare it)."""
        rows: models.QuerySet[Any] = getattr(self.model, "history").all()  # noqa: B009
        return rows


AUDIT_SOURCES = [
    AuditSource("users", _("Users"), "accounts.User"),
    AuditSource("roles", _("Role assignments"), "accounts.RoleAssignment", ("user", "unit")),
    AuditSource("units", _("Units"), "organizations.Unit"),
    AuditSource("reorganisations", _("Reorganisations"), "organizations.Reorganisation"),
    AuditSource("successions", _("Unit successions"), "organizations.UnitSuccession", ("predecessor", "successor")),
    AuditSource("case_fields", _("Case fields"), "cases.CaseField"),
    AuditSource("deadline_rules", _("Statutory deadline rules"), "cases.DeadlineRule"),
    AuditSource("holidays", _("Holidays"), "cases.Holiday"),
    AuditSource("duty_rules", _("Heads' duty to receive citizens"), "citizens.ReceptionDutyRule"),
    AuditSource("rating_regulations", _("Rating regulations"), "organizations.RatingRegulation"),
]
SOURCES_BY_KEY = {source.key: source for source in AUDIT_SOURCES}
KIND_CHOICES = [(source.key, source.label) for source in AUDIT_SOURCES] + [
    (SECURITY, _("Sign-ins and security events"))
]


def may_read_audit_log(user) -> bool:
    """The audit log covers the whole city (users and rules are not a unit's), so it needs AUDIT at the top."""
    return unit_scope(user, Action.AUDIT).everything


def _day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Dates as the local day's bounds (the office's calendar, not UTC's)."""
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone) if start else None
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone) if end else None
    return since, until


def _who_filter(prefix: str, who: str) -> Q:
    return Q(**{f"{prefix}__username__icontains": who}) | Q(**{f"{prefix}__full_name__icontains": who})


def _keys(queryset, *, source: str, at: str, who: str, action: str):
    """The columns every branch of the union shares, all annotations so that their order is the same."""
    return (
        queryset.annotate(
            a_source=Value(source, output_field=models.CharField()),
            a_id=F("pk"),
            a_at=F(at),
            a_who=F(who),
            a_action=F(action),
        )
        .values("a_source", "a_id", "a_at", "a_who", "a_action")
        .order_by()  # no ORDER BY inside a branch of a UNION (SQLite refuses it)
    )


def audit_log_keys(*, kind: str = "", since: date | None = None, until: date | None = None, who: str = ""):
    """The merged, filtered, ordered keys of the audit log (a lazy UNION ALL: slice it to read a page)."""
    start, end = _day_bounds(since, until)
    branches = []
    for source in AUDIT_SOURCES:
        if kind and kind != source.key:
            continue
        queryset = source.history()
        if start:
            queryset = queryset.filter(history_date__gte=start)
        if end:
            queryset = queryset.filter(history_date__lt=end)
        if who:
            queryset = queryset.filter(_who_filter("history_user", who))
        branches.append(
            _keys(queryset, source=source.key, at="history_date", who="history_user_id", action="history_type")
        )
    if not kind or kind == SECURITY:
        events = SecurityEvent.objects.all()
        if start:
            events = events.filter(at__gte=start)
        if end:
            events = events.filter(at__lt=end)
        if who:
            events = events.filter(_who_filter("user", who) | _who_filter("actor", who) | Q(username__icontains=who))
        branches.append(_keys(events, source=SECURITY, at="at", who="user_id", action="kind"))
    first, *others = branches
    return first.union(*others, all=True).order_by("-a_at", "-a_id") if others else first.order_by("-a_at", "-a_id")


def _history_page_entries(source: AuditSource, history_ids: list[int]) -> dict[int, dict]:
    """The entries of these history rows, each diffed against the object's previous version, by history id.
    Costs four queries (previous versions, rows, the objects' names) plus one per related model changed."""
    history = source.history()
    previous = history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
        "-history_date", "-history_id"
    )
    pairs = list(
        history.filter(history_id__in=history_ids)
        .annotate(previous_id=Subquery(previous.values("history_id")[:1]))
        .values_list("history_id", "previous_id", "id", "history_date")
    )
    wanted = set(history_ids) | {previous_id for _h, previous_id, _o, _d in pairs if previous_id}
    # The previous version of each row is in the set, so core.history diffs every wanted row against it.
    entries = history_entries(history.filter(history_id__in=wanted), label=str(source.label))
    by_key = {(entry["object_id"], entry["at"]): entry for entry in entries}
    objects = source.model._default_manager.all()
    if source.related:
        objects = objects.select_related(*source.related)
    by_id = objects.in_bulk({object_id for _h, _p, object_id, _d in pairs})
    result = {}
    for history_id, _previous_id, object_id, at in pairs:
        entry = dict(by_key[(object_id, at)])
        entry["object"] = str(by_id[object_id]) if object_id in by_id else f"#{object_id}"
        entry["kind"] = source.key
        result[history_id] = entry
    return result


def audit_log_page(keys: list[dict]) -> list[dict]:
    """The entries of one page of audit_log_keys(), in the page's order."""
    by_source: dict[str, list[int]] = {}
    for key in keys:
        by_source.setdefault(key["a_source"], []).append(key["a_id"])
    entries: dict[tuple[str, int], dict] = {}
    for source_key, ids in by_source.items():
        if source_key == SECURITY:
            for event in SecurityEvent.objects.filter(pk__in=ids).select_related("user", "actor"):
                entries[(SECURITY, event.pk)] = {
                    "kind": SECURITY,
                    "label": str(_("Sign-ins and security events")),
                    "at": event.at,
                    "user": event.actor or event.user,
                    "object": str(event.user) if event.user else event.username,
                    "action": event.get_kind_display(),
                    "reason": event.ip_address,
                    "changes": [],
                }
            continue
        for history_id, entry in _history_page_entries(SOURCES_BY_KEY[source_key], ids).items():
            entries[(source_key, history_id)] = entry
    return [entries[(key["a_source"], key["a_id"])] for key in keys]


def personal_data_scope(user) -> UnitScope:
    """The units whose records' accesses the user may read: where they may audit or may see identities."""
    audit, identity = unit_scope(user, Action.AUDIT), identity_scope(user)
    if audit.everything or identity.everything:
        return UnitScope(everything=True, unit_ids=frozenset())
    return UnitScope(everything=False, unit_ids=audit.unit_ids | identity.unit_ids)


def personal_data_accesses(user) -> models.QuerySet:
    """The accesses to personal data in records of the user's audit scope, newest first, with who and where."""
    scope = personal_data_scope(user)
    queryset = PersonalDataAccess.objects.select_related("user", "unit").order_by("-at", "-pk")
    if scope.everything:
        return queryset
    return queryset.filter(unit_id__in=scope.unit_ids)
