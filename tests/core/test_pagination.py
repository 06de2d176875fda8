"""Lists at city scale: the capped count, pages past the cap, ids-first deep pages, and the unit filter that
follows the scope rule (a unit's records include those of the units below it and of those it replaced)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from cases.models import Case
from core import pagination
from core.pagination import CappedPaginator
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(ward):
    return [
        CaseFactory(unit=ward, received_on=date(2026, 1, 1) + timedelta(days=n), number=f"{n}/2026") for n in range(23)
    ]


def test_below_the_cap_the_count_and_pages_are_exact(cases, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 100)
    paginator = CappedPaginator(Case.objects.order_by("-received_on", "-pk"), 5)
    assert paginator.count == 23 and not paginator.capped and paginator.num_pages == 5
    assert [c.number for c in paginator.page(5)] == ["2/2026", "1/2026", "0/2026"]


def test_past_the_cap_pages_go_on_while_there_are_rows(cases, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    monkeypatch.setattr(pagination, "IDS_FIRST_FROM", 0)  # every page reads ids first
    paginator = CappedPaginator(Case.objects.order_by("-received_on", "-pk"), 5)
    assert paginator.count == 11 and paginator.capped
    numbers = []
    for number in range(1, 6):
        page = paginator.page(number)
        numbers += [c.number for c in page]
        assert page.has_next() == (number < 5)
    assert numbers == [f"{n}/2026" for n in range(22, -1, -1)]  # every row once, in order, across the cap
    with pytest.raises(pagination.EmptyPage):
        paginator.page(6)


def test_case_list_says_more_than_the_cap_instead_of_counting(client, ward_official, cases, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    client.force_login(ward_official)
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 200 and response.context["paginator"].capped
    assert len(response.context["object_list"]) == 23
    expected = gettext("More than %(cap)s results: add a filter to narrow them down.") % {"cap": 10}
    assert expected in response.content.decode()


def test_deep_page_past_the_end_is_404(client, ward_official, cases, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    client.force_login(ward_official)
    assert client.get(reverse("cases:case_list"), {"page": 99}).status_code == 404


def test_filtering_by_todays_ward_finds_the_records_of_the_ward_it_replaced(
    client, ward_official, ward, old_ward, other_ward
):
    old = CaseFactory(unit=old_ward, received_on=date(2025, 3, 1))
    new = CaseFactory(unit=ward)
    CaseFactory(unit=other_ward)
    client.force_login(ward_official)
    response = client.get(reverse("cases:case_list"), {"unit": ward.pk})
    assert {c.pk for c in response.context["object_list"]} == {old.pk, new.pk}
    options = response.context["filterset"].form.fields["unit"].queryset
    assert ward in options and old_ward not in options  # only today's units are offered
