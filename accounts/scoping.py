"""The one access gate. A user sees and changes only records whose unit lies in the subtree of a unit where
they hold a role granting the action (plus the units those replaced in a reorganisation).

- Every scoped model's queryset derives from ScopedQuerySet and names the path to its unit in `SCOPE_FIELD`;
  personal records (notifications, exports, saved filters) derive from OwnedQuerySet and belong to their owner.
- Every view that shows or changes unit data inherits ScopedViewMixin (tests/test_gate.py enumerates the views),
  so a record outside scope is never fetched: it is a 404, and no view checks a permission after loading.
- Every form and filter set with choices of records derives from ScopedForm, ScopedModelForm or ScopedFilterSet,
  whose choices are restricted in one call (`restrict_form_fields`) once the form is built, so a select never
  lists another unit's records or names.
- Background jobs that work across the city act as SYSTEM, an explicit principal, never as a made-up user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.models import ModelFormMetaclass
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.views import FilterView

from accounts.roles import Action
from core.pagination import CappedPaginator

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from accounts.models import RoleAssignment, User


@dataclass(frozen=True)
class UnitScope:
    """The units a user may act on for one action. `everything` spares a huge IN list for city-wide roles."""

    everything: bool
    unit_ids: frozenset[int]
    roots: frozenset[int] = frozenset()  # the assigned units the subtree was computed from

    def contains(self, unit_id: int | None) -> bool:
        return self.everything or unit_id in self.unit_ids

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.unit_ids


_NOTHING = UnitScope(everything=False, unit_ids=frozenset())
_EVERYTHING = UnitScope(everything=True, unit_ids=frozenset())

# Descendants through the tree and through succession edges (a new ward inherits the wards it replaced), in one
# query. The recursive reference appears once, joined to the union of both edge kinds, which both PostgreSQL and
# SQLite accept.
_SUBTREE_SQL = """
WITH RECURSIVE scope(id) AS (
    SELECT id FROM organizations_unit WHERE id IN ({placeholders})
    UNION
    SELECT edge.child_id
    FROM (
        SELECT parent_id AS parent_id, id AS child_id FROM organizations_unit WHERE parent_id IS NOT NULL
        UNION ALL
        SELECT successor_id, predecessor_id FROM organizations_unitsuccession
    ) AS edge
    JOIN scope ON edge.parent_id = scope.id
)
SELECT id FROM scope
"""

# The same on PostgreSQL, following each step's edges through the indexes on parent and successor (LATERAL)
# instead of joining every edge of the tree at each level: about four times faster with a few thousand units.
_SUBTREE_SQL_POSTGRESQL = """
WITH RECURSIVE scope(id) AS (
    SELECT id FROM organizations_unit WHERE id IN ({placeholders})
    UNION
    SELECT edge.child_id
    FROM scope CROSS JOIN LATERAL (
        SELECT id AS child_id FROM organizations_unit WHERE parent_id = scope.id
        UNION ALL
        SELECT predecessor_id FROM organizations_unitsuccession WHERE successor_id = scope.id
    ) AS edge
)
SELECT id FROM scope
"""


def subtree_ids(root_ids: set[int]) -> frozenset[int]:
    """Ids of the given units, everything below them, and every unit they succeeded (recursively)."""
    if not root_ids:
        return frozenset()
    template = _SUBTREE_SQL_POSTGRESQL if connection.vendor == "postgresql" else _SUBTREE_SQL
    sql = template.format(placeholders=", ".join(["%s"] * len(root_ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, sorted(root_ids))
        return frozenset(row[0] for row in cursor.fetchall())


_ANCESTORS_SQL = """
WITH RECURSIVE up(id, parent_id) AS (
    SELECT id, parent_id FROM organizations_unit WHERE id = %s
    UNION ALL
    SELECT unit.id, unit.parent_id FROM organizations_unit unit JOIN up ON unit.id = up.parent_id
)
SELECT id FROM up
"""


def ancestor_ids(unit_id: int) -> list[int]:
    """The unit and the units above it, walking up the parent links only (django-tree-queries' ancestors() ranks
    the whole tree first, which costs several milliseconds once organizations number in thousands)."""
    with connection.cursor() as cursor:
        cursor.execute(_ANCESTORS_SQL, [unit_id])
        return [row[0] for row in cursor.fetchall()]


class SystemPrincipal:
    """Who a background job acts as when it works across the whole city (the daily sweep reading every commune's
    duty to receive, for instance): every unit, every right but one. It never sees a denouncer's identity, because
    nothing a job writes (notifications, e-mails, reports) may show one. It is not a user: it cannot sign in, own a
    record or be written in a history row."""

    is_authenticated = True
    is_active = True
    pk = None

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemPrincipal()

# Who a scope is computed for: a signed-in user, a visitor (no scope), or the system.
type Principal = User | AnonymousUser | SystemPrincipal


def role_assignments(user: Principal) -> list[RoleAssignment]:
    """The user's active role assignments, fetched once per request (cached on the user object)."""
    if isinstance(user, SystemPrincipal) or not user.is_authenticated or not user.is_active:
        return []
    if "_role_assignments" not in user.__dict__:
        user.__dict__["_role_assignments"] = list(user.role_assignments.active().select_related("unit"))
    return cast("list[RoleAssignment]", user.__dict__["_role_assignments"])


def unit_scope(user: Principal, action: str = Action.VIEW) -> UnitScope:
    """The units where `user` may perform `action`. Cached per user object, i.e. per request."""
    if isinstance(user, SystemPrincipal):
        return _NOTHING if action == Action.SEE_IDENTITY else _EVERYTHING
    cache: dict[str, UnitScope] = user.__dict__.setdefault("_unit_scopes", {})
    if action in cache:
        return cache[action]
    roots = [assignment.unit for assignment in role_assignments(user) if action in assignment.rights]
    if not roots:
        scope = _NOTHING
    elif any(unit.parent_id is None for unit in roots):
        scope = _EVERYTHING
    else:
        # Several rights usually come from the same assignments: one subtree query per distinct set of roots.
        key = frozenset(unit.pk for unit in roots)
        scope = next((s for s in cache.values() if s.roots == key), None) or UnitScope(
            everything=False, unit_ids=subtree_ids(set(key)), roots=key
        )
    cache[action] = scope
    return scope


def has_right(user: Principal, action: str, unit_id: int | None) -> bool:
    """Whether `user` may perform `action` on a record of `unit_id`."""
    return unit_scope(user, action).contains(unit_id)


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every scoped model. The model names the lookup path to its unit in SCOPE_FIELD."""

    def visible_to[Q: models.QuerySet[Any]](self: Q, user: Principal, action: str = Action.VIEW) -> Q:
        scope = unit_scope(user, action)
        if scope.everything:
            return self
        if not scope.unit_ids:
            return self.none()
        scope_field: str = getattr(self.model, "SCOPE_FIELD")  # noqa: B009 (every scoped model declares it)
        return self.filter(**{f"{scope_field}__in": scope.unit_ids})


class OwnedQuerySet(models.QuerySet):
    """Base queryset of personal records (a user's notifications, exports, saved filters): the owner's only,
    whatever the action. The model names its owner field in OWNER_FIELD."""

    def visible_to[Q: models.QuerySet[Any]](self: Q, user: Principal, action: str = Action.VIEW) -> Q:
        if isinstance(user, SystemPrincipal) or not user.is_authenticated:
            return self.none()
        owner_field: str = getattr(self.model, "OWNER_FIELD")  # noqa: B009 (every owned model declares it)
        return self.filter(**{owner_field: user})


def restrict_form_fields(form: forms.BaseForm, user: Principal, action: str) -> None:
    """Narrow every choice of records in `form` to what `user` may `action` (NetBox's restrict_form_fields): each
    field whose queryset knows `visible_to` (scoped, owned, users) keeps only those. A form's own narrowing
    (today's units, the session's unit) stays: this intersects with it."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "visible_to"):
            field.queryset = queryset.visible_to(user, action)  # type: ignore[attr-defined]  # a model choice field


def _build_restricted(cls: type, *args: Any, **kwargs: Any) -> Any:
    # After the form's own __init__ (which may set its querysets), so nothing it sets escapes the gate. Django's
    # form metaclasses only declare fields; building an instance is type's own __call__.
    form = type.__call__(cls, *args, **kwargs)
    restrict_form_fields(form, form.user, form.scope_action)
    return form


class _RestrictedFormMetaclass(DeclarativeFieldsMetaclass):
    __call__ = _build_restricted


class _RestrictedModelFormMetaclass(ModelFormMetaclass):
    __call__ = _build_restricted


class ScopedForm(forms.Form, metaclass=_RestrictedFormMetaclass):
    """A form whose choices of records are restricted to the user's scope for `scope_action` (CHANGE: a form's
    choices are what the user is about to write). Takes the acting user as `user`."""

    scope_action: str = Action.CHANGE

    def __init__(self, *args: Any, user: Principal, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)


class ScopedModelForm(forms.ModelForm, metaclass=_RestrictedModelFormMetaclass):
    """ScopedForm for a model form."""

    scope_action: str = Action.CHANGE

    def __init__(self, *args: Any, user: Principal, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)


class ScopedFilterSet(django_filters.FilterSet):
    """A filter set takes the user, not a request (an export or a task filters as its user too), and offers only
    the records in the user's view scope as choices."""

    def __init__(
        self,
        data: Any = None,
        queryset: models.QuerySet[Any] | None = None,
        *,
        user: Principal,
        prefix: str | None = None,
    ) -> None:
        self.user = user
        super().__init__(data=data, queryset=queryset, prefix=prefix)

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            restrict_form_fields(form, self.user, Action.VIEW)
        return cast("forms.Form", self._form)


class ScopedViewMixin:
    """Every view that shows or changes unit data inherits this, so its queryset is always restricted.

    `scope_action` is the right the view needs: VIEW for lists and details, CHANGE for edits, and so on. A
    record outside the user's scope for that action does not exist for the view (404). Forms built by the view
    (FormMixin) get the acting user, and through the gate's form bases only choices in scope.
    """

    scope_action: str = Action.VIEW
    request: HttpRequest

    def get_scope(self) -> UnitScope:
        """The units the view works in: the user's scope for `scope_action`."""
        return unit_scope(self.request.user, self.scope_action)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}  # type: ignore[misc]  # FormMixin's

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().visible_to(self.request.user, self.scope_action)  # type: ignore[misc,no-any-return]

    def get_scoped_object(self, queryset: models.QuerySet[Any], **lookup: Any) -> Any:
        """Fetch a related record (e.g. the session of a visit) through the same gate."""
        try:
            return queryset.visible_to(self.request.user, self.scope_action).get(**lookup)  # type: ignore[attr-defined]
        except (queryset.model.DoesNotExist, ValueError) as exc:  # ValueError: an id that is not a number
            raise Http404 from exc


class ScopedFilterView(ScopedViewMixin, FilterView):
    """A list of scoped records with a FilterSet in a side panel, filter chips and pagination."""

    paginate_by = 50
    paginator_class = CappedPaginator

    def get_filterset_kwargs(self, filterset_class: type[ScopedFilterSet]) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs.pop("request", None)
        return {**kwargs, "user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        return context


def require_right(user: Principal, action: str, unit_id: int) -> None:
    """Refuse a write the user's roles do not allow on that unit (views never get this far for records out of
    scope; this guards services called from elsewhere)."""
    if not has_right(user, action, unit_id):
        raise PermissionDenied(_("You do not have the right to do this for this unit."))
