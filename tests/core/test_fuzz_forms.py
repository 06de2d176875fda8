"""Bad input never makes a server error: every page of the project is opened as a user of the unit, every form
it shows (filter panels sent by GET, forms sent by POST, htmx forms included) is filled with random and hostile
values by Hypothesis, and every answer must be below 500.

The forms are found in the pages' HTML, so a new page or field is covered without editing this file. Hostile
values: NUL and other control characters (PostgreSQL refuses NUL in text), very long strings, markup and SQL
fragments, impossible dates, dates just outside their bounds (before the register's floor, year 1, tomorrow), huge
and negative numbers, right-to-left marks, and random Unicode. Whatever was sent, no value outside its bounds
(core/dates.py, core/validators.py) may have been saved.
"""

import os
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from core.dates import earliest_date, validate_not_future, validate_plausible_date, validate_plausible_year
from tests.factories import RoleAssignmentFactory
from tests.test_url_scope import KEYWORD_VALUES, OBJECT_BUILDERS, model_label_for, project_urls

HOSTILE = [
    "\x00",
    "Nguyễn\x00Văn An",
    "\x01\x07\x1b[31m\x7f",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "1; DROP TABLE cases_case; --",
    "31/02/2026",
    "99/99/9999",
    "29/02/2025 25:61",
    "2026-02-31",
    "0",
    "-1",
    "-99999999999999999999999999",
    "99999999999999999999999999999999",
    "9223372036854775808",
    "1e309",
    "NaN",
    "1,5,",
    "\u202egnp.exe",
    "\u200f\u200e\u2066",
    "\ufeff",
    "x" * 10_000,
    "Đ" * 3_000,
    " ",
    "%00",
    "../../../etc/passwd",
    "１２３",
    "[]",
    # Dates at their bounds: the day before the register's floor, year 1 (a typo of the year), tomorrow.
    "31/12/1944",
    "01/01/0001",
    "01/01/0001 00:00",
    "31/12/1944 23:59",
    (date.today() + timedelta(days=2)).strftime("%d/%m/%Y"),
    (date.today() + timedelta(days=2)).strftime("%d/%m/%Y 08:00"),
    # Negative results as officials might type them.
    "-5000000",
    "-5.000.000",
    "-3,5",
    "-0.1",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
)
# 25 examples a page keep the suite quick; FUZZ_EXAMPLES=500 searches harder.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Actions fuzzed once per test process: the same form appears on many pages.
_fuzzed: set[tuple[str, str]] = set()


class FormFinder(HTMLParser):
    """The forms of a page: method, action, and the names of their fields (file inputs and buttons aside)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attributes.get("method") or "get").lower(),
                "action": attributes.get("action") or attributes.get("hx-post") or attributes.get("hx-get") or "",
                "fields": [],
            }
            self.forms.append(self._form)
        elif (
            self._form is not None
            and tag in ("input", "select", "textarea")
            and attributes.get("name")
            and attributes.get("type") not in ("file", "submit", "button", "image", "reset")
            and attributes["name"] not in self._form["fields"]
        ):
            self._form["fields"].append(attributes["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def page_forms(url: str, html: str) -> list[tuple[str, str, tuple[str, ...]]]:
    finder = FormFinder()
    finder.feed(html)
    forms = []
    for form in finder.forms:
        path = urlsplit(form["action"]).path or urlsplit(url).path
        try:
            resolve(path)
        except Resolver404:
            continue
        fields = tuple(name for name in form["fields"] if name != "csrfmiddlewaretoken")
        forms.append((form["method"], path, fields))
    return forms


@pytest.fixture
def insider(ward):
    """A user of the ward who also reviews for it (approvals, returns), so the forms of both roles are reached.
    The steering role is left out: it needs a second factor before any page."""
    assignment = RoleAssignmentFactory(unit=ward, role=Role.WARD_OFFICIAL)
    RoleAssignmentFactory(user=assignment.user, unit=ward, role=Role.DISTRICT_REVIEWER, may_see_identity=True)
    return assignment.user


# The fields of POST-only actions whose form shows only in some states of their record.
COMMON_FIELDS = ("note", "reason", "on", "text", "comment", "successor", "into", "handler", "kind", "step")


def action_fields(pattern) -> tuple[str, ...]:
    form_class = getattr(getattr(pattern.callback, "view_class", None), "form_class", None)
    declared = tuple(form_class.base_fields) if form_class else ()
    return (*declared, *COMMON_FIELDS)


def url_for(name, pattern, unit) -> str:
    kwargs = {}
    for keyword in pattern.pattern.converters:
        if keyword in KEYWORD_VALUES:
            kwargs[keyword] = KEYWORD_VALUES[keyword]
        else:
            kwargs[keyword] = OBJECT_BUILDERS[model_label_for(name, pattern, keyword)](unit).pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("name", "pattern"), project_urls(), ids=[name for name, _p in project_urls()])
def test_no_input_makes_a_server_error(client, name, pattern, ward, grassroots, insider):
    url = url_for(name, pattern, ward)
    client.force_login(insider)
    page = client.get(url)
    assert page.status_code < 500
    html = page.content.decode("utf-8", "replace") if "html" in page.get("Content-Type", "") else ""
    targets = [("get", url, ("page", "q", "sort"))]
    if page.status_code == 405:  # a POST-only action: its form is on another page, maybe not in this state
        targets.append(("post", url, action_fields(pattern)))
    for method, path, fields in page_forms(url, html):
        if (method, path) not in _fuzzed:
            _fuzzed.add((method, path))
            targets.append((method, path, fields))

    @FUZZ
    @given(st.data())
    def fill(data):
        method, path, fields = data.draw(st.sampled_from(targets))
        values = {field: data.draw(VALUES, label=field) for field in fields if data.draw(st.booleans())}
        if method == "get":
            response = client.get(f"{path}?{urlencode(values)}")
        else:
            response = client.post(path, values, HTTP_HX_REQUEST=data.draw(st.sampled_from(["true", None])) or "")
        assert response.status_code < 500, (method, path, values)

    fill()
    assert_stored_values_bounded()


def _bounds(field: models.Field) -> list[models.Q]:
    """What would put a stored value of `field` outside the bounds its validators set."""
    name, outside = field.name, []
    validators = field.validators
    if validate_plausible_date in validators:
        floor: date | datetime = earliest_date()
        if isinstance(field, models.DateTimeField):
            floor = timezone.make_aware(datetime.combine(earliest_date(), time()))
        outside.append(models.Q(**{f"{name}__lt": floor}))
    if validate_not_future in validators and not isinstance(field, models.DateTimeField):
        outside.append(models.Q(**{f"{name}__gt": timezone.localdate()}))
    if validate_plausible_year in validators:
        outside.append(models.Q(**{f"{name}__lt": earliest_date().year}))
        outside.append(models.Q(**{f"{name}__gt": timezone.localdate().year}))
    for validator in validators:
        # Only the bounds the project sets (0, 1), not the database's integer range that Django adds.
        if (
            isinstance(validator, MinValueValidator)
            and isinstance(validator.limit_value, int)
            and validator.limit_value >= 0
        ):
            outside.append(models.Q(**{f"{name}__lt": validator.limit_value}))
    return outside


def assert_stored_values_bounded() -> None:
    """No stored record holds a date, year or figure outside the bounds of its field."""
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            for outside in _bounds(field):
                found = list(model._base_manager.filter(outside).values_list("pk", field.attname)[:3])
                assert not found, (model._meta.label, field.name, found)


def test_inputs_that_once_made_server_errors_are_refused_politely(client, ward, grassroots, insider):
    """What the search above found, kept as fixed cases: raw POST text with NUL, an id that is not a number, a
    deadline step the case does not have, a NUL in the as-you-type citizen search."""
    from cases.models import CaseEvent
    from organizations.models import DossierEvent

    dossier = OBJECT_BUILDERS["organizations.weakdossier"](ward)
    case = OBJECT_BUILDERS["cases.case"](ward)
    client.force_login(insider)

    response = client.post(reverse("organizations:dossier_comment", args=[dossier.pk]), {"text": "a\x00b"}, follow=True)
    assert response.status_code == 200 and not DossierEvent.objects.filter(kind="comment").exists()
    assert [str(message) for message in response.context["messages"]] == [_("Null characters are not allowed.")]

    response = client.post(reverse("organizations:dossier_hand_over", args=[dossier.pk]), {"successor": "\x00"})
    assert response.status_code == 404

    events = CaseEvent.objects.count()
    response = client.post(
        reverse("cases:case_extend", args=[case.pk]),
        {"step": "no-such-step", "decision_number": "12/QĐ", "reason": "Phức tạp"},
        follow=True,
    )
    assert response.status_code == 200 and CaseEvent.objects.count() == events
    assert _("This case has no deadline for that step.") in response.content.decode()

    response = client.get(reverse("citizens:citizen_lookup"), {"q": "Nguyễn\x00Văn"}, headers={"HX-Request": "true"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("label", "changes"),
    [
        ("cases.case", {"money_returned": -5_000_000}),
        ("cases.case", {"land_returned": "-3.5"}),
        ("cases.case", {"received_on": date(1944, 12, 31)}),
        ("cases.case", {"accepted_on": date.today() + timedelta(days=2)}),
        (
            "citizens.receptionsession",
            {"starts_at": datetime(1944, 12, 31, 12, tzinfo=timezone.get_current_timezone())},
        ),
    ],
)
def test_the_check_after_fuzzing_sees_a_value_out_of_bounds(ward, label, changes):
    """The check that ends each page's fuzzing is not blind: a value planted past a bound is found."""
    record = OBJECT_BUILDERS[label](ward)
    type(record)._base_manager.filter(pk=record.pk).update(**changes)
    with pytest.raises(AssertionError):
        assert_stored_values_bounded()
