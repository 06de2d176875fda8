"""Pagination for lists that may hold a million rows.

Django's Paginator counts every matching row (COUNT(*)) on every page; at city scale that is the slowest
statement of a list page. CappedPaginator counts at most CAP + 1 rows (a COUNT over a LIMITed subquery, which
stops early), so a list past the cap says "more than 10,000" instead of an exact figure nobody reads, and its
pages still go on with "next" for as long as there are rows."""

from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

CAP = 10_000
IDS_FIRST_FROM = 0  # rows skipped from which a page reads its ids first, then the rows (0: always)


class CappedPaginator(Paginator):
    """A paginator of a queryset (it counts and slices in the database)."""

    object_list: QuerySet[Any]
    cap = CAP

    @cached_property
    def count(self) -> int:
        # Without the ordering: a count needs none, and a LIMIT with it may walk the ordering index.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted."""
        return self.count > self.cap

    def validate_number(self, number) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise EmptyPage(_("That page number is not an integer")) from None
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        return number

    def page(self, number) -> Page:
        """A page of rows. Past the cap, a page is whatever rows its offset reaches (an empty one is past the
        end) and it has a next page when one more row exists."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if self.capped:
            rows = self._rows(bottom, bottom + self.per_page + 1)
            if not rows:
                raise EmptyPage(_("That page contains no results"))
            page = CappedPage(rows[: self.per_page], number, self)
            page.more = len(rows) > self.per_page
            return page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # Paginator's documented hook for the page class, which django-stubs does not declare.
        return self._get_page(self._rows(bottom, top), number, self)  # type: ignore[attr-defined]

    def _rows(self, bottom: int, top: int) -> list:
        """The rows from `bottom` to `top`. Deep in a list, OFFSET makes PostgreSQL read and throw away every row
        it skips; reading only the ids first lets it skip through the ordering index alone, then fetch the
        page's rows by primary key."""
        rows = self.object_list
        if bottom < IDS_FIRST_FROM:
            return list(rows[bottom:top])
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        by_id = {row.pk: row for row in rows.order_by().filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


class CappedPage(Page):
    more = False

    def has_next(self) -> bool:
        return self.more
