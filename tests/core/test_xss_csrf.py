"""Markup typed into records is shown as text on every page that shows it (lists, details, history, search,
htmx fragments, form fields), and no POST of the project is accepted without its CSRF token."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver, reverse

from accounts.roles import Role
from cases import services as case_services
from cases.attachments import attachment_add
from cases.models import SavedFilter
from organizations import services as org_services
from organizations.choices import UnitKind
from organizations.models import RatingRegulation
from overview.models import Notification
from tests.core.test_faults import row_counts
from tests.factories import (
    CaseFactory,
    CitizenFactory,
    LetterFactory,
    ReceptionSessionFactory,
    RoleAssignmentFactory,
    UnitFactory,
    VisitFactory,
)
from tests.test_url_scope import iter_patterns

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMAGE}"
# What must never reach a page, and what shows that the record was on the page, escaped.
RAW = ("<script>alert(1)", "<img src=x")
ESCAPED = ("&lt;script&gt;alert(1)", "&lt;img src=x onerror=alert(1)")


@pytest.fixture
def hostile(ward):
    """Records of the ward whose text fields hold markup, made as users make them (services, the history)."""
    official = RoleAssignmentFactory(unit=ward, role=Role.WARD_OFFICIAL).user
    RoleAssignmentFactory(user=official, unit=ward, role=Role.DISTRICT_REVIEWER, may_see_identity=True)
    organization = UnitFactory(
        name=f"Chi bộ {PAYLOAD}", kind=UnitKind.GRASSROOTS, division_type="", parent=ward, code=""
    )
    citizen = CitizenFactory(unit=ward, full_name=f"Nguyễn Văn {PAYLOAD}", address=PAYLOAD)
    session = ReceptionSessionFactory(unit=ward, created_by=official, place=PAYLOAD, host_name=PAYLOAD)
    visit = VisitFactory(session=session, citizen=citizen, content=PAYLOAD)
    case = CaseFactory(unit=ward, complainant=citizen, summary="Khiếu nại", respondent=PAYLOAD)
    case = case_services.case_update(user=official, case=case, summary=f"Khiếu nại {PAYLOAD}")  # a history entry
    attachment_add(
        user=official,
        case=case,
        upload=SimpleUploadedFile(f"bien-ban{IMAGE}.pdf", b"%PDF-1.4 x"),
        description=PAYLOAD,
    )
    letter = LetterFactory(unit=ward, summary=PAYLOAD, title=PAYLOAD)
    dossier = org_services.dossier_open(
        user=official,
        unit=organization,
        year=2025,
        origin="rating",
        identified_on=date(2026, 1, 5),
        goals=PAYLOAD,
        responsible_leader=PAYLOAD,
        other_reasons=PAYLOAD,
    )
    org_services.dossier_comment(user=official, dossier=dossier, text=PAYLOAD)
    task = org_services.task_save(
        user=official,
        dossier=dossier,
        solution=PAYLOAD,
        task_type="cadre_work",
        owner=PAYLOAD,
        deadline=date(2026, 12, 1),
        status="not_started",
    )
    org_services.rating_record(
        user=official,
        unit=organization,
        year=2024,
        regulation=RatingRegulation.objects.get(code="124-QĐ/TW"),
        level="good",
        reasons=PAYLOAD,
    )
    Notification.objects.create(user=official, key="xss", message=PAYLOAD)
    SavedFilter.objects.create(user=official, name=PAYLOAD, query="kind=complaint")
    return {
        "user": official,
        "organization": organization,
        "citizen": citizen,
        "session": session,
        "visit": visit,
        "case": case,
        "letter": letter,
        "dossier": dossier,
        "task": task,
    }


def pages(records) -> list[tuple[str, bool]]:
    """(page, whether the hostile text must be on it): lists, details with their history, search, fragments."""
    return [
        (reverse("overview:home"), False),
        (reverse("overview:notifications"), True),
        (reverse("cases:case_list"), True),
        (reverse("cases:case_list") + "?q=Khiếu+nại", True),
        (reverse("cases:case_detail", args=[records["case"].pk]), True),
        (reverse("cases:case_update", args=[records["case"].pk]), True),
        (reverse("cases:letter_list"), True),
        (reverse("cases:letter_detail", args=[records["letter"].pk]), True),
        (reverse("citizens:session_list"), True),
        (reverse("citizens:session_detail", args=[records["session"].pk]), True),
        (reverse("citizens:session_update", args=[records["session"].pk]), True),
        (reverse("intake:visit_update", args=[records["visit"].pk]), True),
        (reverse("citizens:citizen_list") + "?q=Nguyen+Van", True),
        (reverse("citizens:citizen_detail", args=[records["citizen"].pk]), True),
        (reverse("citizens:citizen_lookup") + "?q=Nguyen+Van", True),  # the htmx fragment of the visit form
        (reverse("citizens:schedule"), False),
        (reverse("organizations:unit_list") + "?q=Chi+bo", True),
        (reverse("organizations:unit_detail", args=[records["organization"].pk]), True),
        (reverse("organizations:dossier_list"), True),
        (reverse("organizations:dossier_detail", args=[records["dossier"].pk]), True),
        (reverse("organizations:dossier_update", args=[records["dossier"].pk]), True),
        (reverse("organizations:task_update", args=[records["task"].pk]), True),
        (reverse("organizations:rating_list"), True),
        (reverse("organizations:weak_list"), False),
        (reverse("organizations:review_queue"), False),
    ]


def test_markup_in_records_is_shown_escaped_on_every_page(client, hostile):
    client.force_login(hostile["user"])
    for url, must_show in pages(hostile):
        for htmx in (False, True):
            response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
            assert response.status_code == 200, url
            page = response.content.decode()
            assert not any(raw in page for raw in RAW), f"{url} (htmx={htmx}) shows markup unescaped"
            if must_show and not htmx:
                assert any(escaped in page for escaped in ESCAPED), f"{url} should show the record, escaped"


def test_a_message_naming_a_hostile_organization_is_escaped(client, hostile, ward):
    """The rating form's message names the organizations it put on the weak list, with a link (format_html)."""
    organization = UnitFactory(name=IMAGE, kind=UnitKind.GRASSROOTS, division_type="", parent=ward, code="")
    client.force_login(hostile["user"])
    response = client.post(
        reverse("organizations:rating_create"),
        {"unit": organization.pk, "year": 2025, "level": "not_completed", "score": "40", "reasons": "Yếu"},
        follow=True,
    )
    page = response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page


# CSRF ---------------------------------------------------------------------------------------------------------


def all_urls():
    """Every named URL of the project but the admin site's, with made-up ids: the CSRF check comes before the
    view looks anything up."""
    urls = []
    for name, pattern in iter_patterns(get_resolver()):
        if name.split(":")[0] == "admin":
            continue
        kwargs = {keyword: ("accept" if keyword == "move" else 1) for keyword in pattern.pattern.converters}
        if name == "reports:report_action":
            kwargs["action"] = "freeze"
        if name == "reports:report_export":
            kwargs["format"] = "xlsx"
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def test_every_post_without_its_csrf_token_is_refused(ward, ward_official):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ward_official)
    before = row_counts()
    accepted = []
    walked = all_urls()
    for name, url in walked:
        response = browser.post(url, {"note": "x", "reason": "x", "text": "x", "name": "x"})
        if response.status_code != 403:
            accepted.append((name, response.status_code))
    assert accepted == []
    assert len(walked) > 80 and row_counts() == before
    # The login form too, before anyone is signed in.
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("accounts:login"), {"username": "a", "password": "b"}).status_code == 403
