"""A denouncer's identity, planted in a ward, never reaches a ward official of that ward who lacks the right to see
it, on any page, list, search, form, export, document or history view; an official who holds the right sees it,
and each such view is logged (accounts/confidentiality.py states the rule).

The walk enumerates the project's URLs as tests/test_url_scope.py does, so a new page is walked without editing
this file; its URL keywords are filled with the planted records.
"""

import html
import io
import re
import zipfile
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.confidentiality import record_label
from accounts.models import PersonalDataAccess
from accounts.roles import ROLE_RIGHTS, Action, Role
from cases.attachments import attachment_add
from cases.exports import export_create, export_run
from cases.models import Case, Letter
from citizens.models import Citizen
from core.text import fold
from reports import services as report_services
from tests.factories import CaseFactory, CitizenFactory, ReceptionSessionFactory, VisitFactory, field, user_with_role
from tests.test_url_scope import KEYWORD_VALUES, OBJECT_BUILDERS, model_label_for, project_urls

NAME = "Khổng Thị Huyền Trân"
CO_NAME = "Bế Văn Khiêm Khoát"  # another signer: a group's representative, another denouncer of the case
ADDRESS = "Số 919 ngõ Quỳnh Lôi"
NATIONAL_ID = "079184000573"
PHONE = "0936271845"
IDENTITY = (NAME, CO_NAME, ADDRESS, NATIONAL_ID, PHONE)
QUERIES = (NAME, fold(NAME), NATIONAL_ID, PHONE)


def test_the_citizen_lookup_does_not_find_the_denouncer_without_the_right(client, ward, planted):
    client.force_login(user_with_role(ward, Role.WARD_OFFICIAL))
    for query in QUERIES:
        response = client.get(reverse("citizens:citizen_lookup"), {"q": query, "unit": ward.pk})
        assert planted["citizens.citizen"] not in listed(response)
        assert not leaks(readable(response), echo=query)


@pytest.fixture
def recorder(ward):
    """The official who recorded the denunciation (and, through the tests' owner rule, the first of the ward)."""
    return user_with_role(ward, Role.WARD_OFFICIAL)


@pytest.fixture
def planted(ward, recorder, settings, django_capture_on_commit_callbacks):
    """A denunciation brought at a reception visit (with its letter and case), a second one sent by post, their
    documents, and history rows that name the person: everything a ward keeps about a denouncer."""
    settings.CLAMAV_URL = ""
    decoy = CitizenFactory(unit=ward, full_name="Người Nhập Nhầm", national_id="001090999901", address="Ngõ 1")
    person = Citizen(unit=ward, full_name=NAME, national_id=NATIONAL_ID, phone=PHONE, address=ADDRESS)
    person.save()
    session = ReceptionSessionFactory(unit=ward, created_by=recorder)
    visit = VisitFactory(
        session=session,
        citizen=decoy,
        content="Tố cáo cán bộ địa chính nhận tiền để cấp giấy chứng nhận",
        content_kind="denunciation",
        outcome="letter_received",
        people_count=2,
    )
    visit.citizen, visit.representatives = person, CO_NAME  # the history keeps old → new
    visit.save()
    case = CaseFactory(
        unit=ward,
        kind="denunciation",
        channel="reception",
        summary="Tố cáo cán bộ địa chính nhận tiền",
        source_visit=visit,
        people_count=2,
        created_by=recorder,
    )
    case.complainant, case.other_complainants = person, CO_NAME
    case.save()
    Case.objects.filter(pk=case.pk).update(identity_text=fold(f"{NAME} {ADDRESS} {CO_NAME}"))  # as intake writes it
    letter = Letter.objects.create(
        unit=ward,
        number="7/2026",
        received_on=date(2026, 3, 2),
        channel="reception",
        source_visit=visit,
        summary="Tố cáo cán bộ địa chính nhận tiền",
        content="denunciation",
        field=field(),
        case=case,
        created_by=recorder,
    )
    letter.sender = person
    letter.save()
    posted = Letter.objects.create(
        unit=ward,
        number="8/2026",
        received_on=date(2026, 3, 5),
        channel="post",
        sender=person,
        summary="Tố cáo bổ sung",
        content="denunciation",
        created_by=recorder,
    )
    # Registered to be classified later: it may be a denunciation, so its sender stays masked until classified.
    Letter.objects.create(
        unit=ward,
        number="9/2025",  # not a number the factories give (n/2026)
        received_on=date(2026, 3, 9),
        channel="post",
        sender=person,
        summary="Đơn tố cáo tiếp",
        created_by=recorder,
    )
    pdf = b"%PDF-1.4 " + f"{NAME} {NATIONAL_ID}".encode()
    upload = SimpleUploadedFile(f"Đơn tố cáo {NAME}.pdf", pdf)
    attachment = attachment_add(user=recorder, case=case, upload=upload, description=f"Bản chụp đơn của {NAME}")
    attachment_add(user=recorder, letter=posted, upload=SimpleUploadedFile(f"{NATIONAL_ID}.pdf", pdf))
    # An ordinary complaint in the same ward, so that every list has rows to show.
    VisitFactory(session=session, citizen=CitizenFactory(unit=ward, full_name="Trần Văn Khiếu"))
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_request(user=recorder, unit=ward, period_kind="half_year", year=2026)
    return {
        "citizens.citizen": person,
        "citizens.visit": visit,
        "citizens.receptionsession": session,
        "cases.case": case,
        "cases.letter": letter,
        "cases.attachment": attachment,
        "reports.report": report,
        "posted": posted,
    }


def readable(response) -> str:
    """Everything a user could read in a response: its headers (a download's file name), and its body, whether
    HTML, CSV or a DOCX/XLSX file (the text of every XML part of the zip)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = " ".join(f"{key}: {value}" for key, value in response.items())
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        text = re.sub(r"<[^>]+>", "", " ".join(parts))
    else:
        text = body.decode("utf-8-sig", "replace")
    return html.unescape(f"{headers} {text}")


def leaks(text: str, *, echo: str = "") -> list[str]:
    """The planted details found in `text`, leaving out the search query the page repeats back."""
    if echo:
        text = text.replace(echo, "")
    return [piece for piece in IDENTITY if piece in text]


def listed(response) -> set:
    context = response.context or {}
    return set(context.get("object_list", None) or [])


def _builder(name: str, label: str):
    """test_url_scope's builder of a model (found by the model's name when the model moved to another app)."""
    if label in OBJECT_BUILDERS:
        return OBJECT_BUILDERS[label]
    same_name = [build for key, build in OBJECT_BUILDERS.items() if key.split(".")[1] == label.split(".")[1]]
    if len(same_name) != 1:
        pytest.fail(f"{name}: no builder for {label}; add it to OBJECT_BUILDERS in tests/test_url_scope.py.")
    return same_name[0]


def walk_urls(planted: dict, ward) -> list[tuple[str, str, str]]:
    """(url name, url, search query) for every URL of the project: a record in the URL is the planted one of its
    model (or one built in the ward for the others); a URL without a record is fetched plain and searched."""
    built: dict[str, Any] = {}
    urls = []
    for name, pattern in project_urls():
        keywords = list(pattern.pattern.converters)
        if not keywords:
            urls.append((name, reverse(name), ""))
            urls += [(name, reverse(name), query) for query in QUERIES]
            continue
        kwargs = {}
        for keyword in keywords:
            if keyword in KEYWORD_VALUES:
                kwargs[keyword] = KEYWORD_VALUES[keyword]
                continue
            label = model_label_for(name, pattern, keyword)
            if label not in planted and label not in built:
                built[label] = _builder(name, label)(ward)
            kwargs[keyword] = (planted.get(label) or built[label]).pk
        urls.append((name, reverse(name, kwargs=kwargs), ""))
    return urls


def exports_of(user) -> list[tuple[str, str, str]]:
    """The user's case-list exports, CSV and XLSX, of all cases and searched by name, as (what, url, the search
    the file's title repeats)."""
    urls = []
    for export_format in ("csv", "xlsx"):
        for search in ("", NAME):
            job = export_create(user=user, format=export_format, query=f"q={search}" if search else "")
            export_run(job_id=job.pk)
            urls.append((f"export {export_format}", reverse("cases:export_download", kwargs={"pk": job.pk}), search))
    return urls


# Every role without the right, each held where it reaches the planted ward: the ward's own official, the
# supervising reviewer, the City's steering member and the administrator.
ROLES_WITHOUT_THE_RIGHT = [
    ("ward", Role.WARD_OFFICIAL),
    ("ward", Role.DISTRICT_REVIEWER),
    ("city", Role.STEERING_MEMBER),
    ("city", Role.ADMINISTRATOR),
]


@pytest.mark.parametrize(("where", "role"), ROLES_WITHOUT_THE_RIGHT, ids=[role for _w, role in ROLES_WITHOUT_THE_RIGHT])
def test_no_role_without_the_right_finds_the_denouncer_anywhere(client, ward, planted, where, role):
    official = user_with_role(ward if where == "ward" else ward.parent, role)
    client.force_login(official)
    may_export = Action.EXPORT in ROLE_RIGHTS[role]
    report = planted["reports.report"]
    exports = exports_of(official) if may_export else []  # an administrator may export nothing
    files = [(what, url, search) for what, url, search in exports] + [
        ("report", reverse("reports:report_export", kwargs={"pk": report.pk, "format": fmt}), "")
        for fmt in ("docx", "xlsx")
    ]
    protected = {planted[label] for label in ("citizens.citizen", "cases.case")}
    found, failed = [], []
    client.raise_request_exception = False  # a page that fails is listed, and the walk goes on
    for name, url, query in walk_urls(planted, ward):
        response = client.get(url, {"q": query} if query else {})
        if response.status_code >= 500:
            failed.append(f"{name} {url}")
        if pieces := leaks(readable(response), echo=query):
            found.append(f"{name} {url} q={query!r}: {pieces}")
        if query and (hits := listed(response) & protected):
            found.append(f"{name} {url} q={query!r} finds {hits}")
    for what, url, search in [("the letter sent by post", planted["posted"].get_absolute_url(), ""), *files]:
        response = client.get(url)
        assert response.status_code == 200 or (not may_export and what != "the letter sent by post"), f"{what} {url}"
        if pieces := leaks(readable(response), echo=search):
            found.append(f"{what} {url}: {pieces}")
    assert not found, "\n".join(found)
    assert not failed, "pages not checked, they fail: " + ", ".join(failed)
    assert not PersonalDataAccess.objects.filter(user=official, kind=PersonalDataAccess.Kind.VIEW_IDENTITY).exists()


def test_the_citizen_page_says_nothing_of_denunciations_without_the_right(client, ward, planted):
    """The person known only as a denouncer is not in the register; a person who also came about something else
    is, with that visit only, and nothing says that there are others."""
    official = user_with_role(ward, Role.WARD_OFFICIAL)
    client.force_login(official)
    person = planted["citizens.citizen"]
    assert client.get(person.get_absolute_url()).status_code == 404

    complaint = VisitFactory(session=planted["citizens.receptionsession"], citizen=person, content="Xin cấp sổ đỏ")
    page = client.get(person.get_absolute_url())
    assert page.status_code == 200
    assert [visit.pk for visit in page.context["visits"]] == [complaint.pk]
    main = readable(page).split('<main id="main"')[1].lower()
    assert "tố cáo" not in main and "bảo mật" not in main  # no "N more visits are confidential (denunciation)"


def test_editing_a_masked_visit_neither_shows_nor_changes_who_came(client, ward, planted):
    official = user_with_role(ward, Role.WARD_OFFICIAL)
    client.force_login(official)
    visit = planted["citizens.visit"]
    url = next(reverse(name, kwargs={"pk": visit.pk}) for name, _p in project_urls() if name.endswith(":visit_update"))
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert not leaks(readable(form_page))

    other = CitizenFactory(unit=ward, full_name="Người Khác")
    response = client.post(
        url,
        {
            "citizen": other.pk,
            "new_full_name": "Tên Đổi",
            "people_count": "2",
            "content": "Tố cáo cán bộ địa chính (bổ sung)",
            "content_kind": "complaint",
            "field": str(field().pk),
            "outcome": "letter_received",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.citizen, visit.content_kind, visit.representatives) == (
        planted["citizens.citizen"],
        "denunciation",
        CO_NAME,
    )
    assert visit.content == "Tố cáo cán bộ địa chính (bổ sung)"
    assert not Citizen.objects.filter(full_name="Tên Đổi").exists()


def test_a_protected_record_cannot_be_unmasked_by_changing_its_kind_without_the_right(client, ward, planted):
    client.force_login(user_with_role(ward, Role.WARD_OFFICIAL))
    letter, case = planted["posted"], planted["cases.case"]
    client.post(
        reverse("cases:letter_classify", kwargs={"pk": letter.pk}),
        {"content": "complaint", "field": field().pk, "is_processable": "True", "within_competence": "True"},
    )
    letter.refresh_from_db()
    assert letter.content == "denunciation", "not classified as a complaint"
    response = client.post(
        reverse("cases:case_update", kwargs={"pk": case.pk}),
        {
            "kind": "complaint",
            "field": field().pk,
            "summary": "Tố cáo cán bộ địa chính nhận tiền",
            "people_count": "2",
            "other_complainants": "",
            "complexity": "normal",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.kind, case.other_complainants) == ("denunciation", CO_NAME)


def test_an_official_with_the_right_sees_the_denouncer_and_each_view_is_logged(client, ward, planted):
    official = user_with_role(ward, Role.WARD_OFFICIAL, may_see_identity=True)
    client.force_login(official)
    case, letter, visit = planted["cases.case"], planted["cases.letter"], planted["citizens.visit"]
    visit_update = next(name for name, _p in project_urls() if name.endswith(":visit_update"))
    pages = [
        ("session page", planted["citizens.receptionsession"].get_absolute_url(), {}, NAME),
        ("visit form", reverse(visit_update, kwargs={"pk": visit.pk}), {}, NAME),
        ("case page", case.get_absolute_url(), {}, CO_NAME),
        ("case list searched by name", reverse("cases:case_list"), {"q": fold(NAME)}, NAME),
        ("case form", reverse("cases:case_update", kwargs={"pk": case.pk}), {}, CO_NAME),
        ("letter page", letter.get_absolute_url(), {}, ADDRESS),
        ("letter list", reverse("cases:letter_list"), {}, NAME),
        ("citizen page", planted["citizens.citizen"].get_absolute_url(), {}, NATIONAL_ID),
        ("document", planted["cases.attachment"].get_absolute_url(), {}, NATIONAL_ID),
    ]
    for what, url, query, shown in pages:
        before = PersonalDataAccess.objects.filter(user=official, kind="view_identity").count()
        response = client.get(url, query)
        assert response.status_code == 200, what
        assert shown in readable(response), f"{what} does not show the identity to who may see it"
        assert PersonalDataAccess.objects.filter(user=official, kind="view_identity").count() > before, what

    before = PersonalDataAccess.objects.filter(user=official, kind="view_identity").count()
    for what, url, search in exports_of(official):
        # The complainant's column names the person (an XLSX title also repeats the search).
        assert readable(client.get(url)).count(NAME) > (1 if search and what.endswith("xlsx") else 0), what
    exported = PersonalDataAccess.objects.filter(user=official, kind="view_identity").count() - before
    assert exported == 4, "each export logs the denouncer it names"
    assert list(client.get(reverse("citizens:citizen_list"), {"q": NATIONAL_ID}).context["object_list"]) == [
        planted["citizens.citizen"]
    ]

    log = PersonalDataAccess.objects.filter(user=official, kind="view_identity")
    assert set(log.values_list("unit", flat=True)) == {ward.pk}
    assert not [row.record for row in log if any(piece in row.record for piece in IDENTITY)], "the log names no one"
    assert record_label(case) in set(log.values_list("record", flat=True))
