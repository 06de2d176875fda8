"""The three journeys, as a person does them, by the visible Vietnamese labels, at desktop and phone widths."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Case, CaseField
from organizations.models import WeakDossier
from reports.exports import file_name
from reports.models import Report
from tests.e2e.conftest import accessibility_problems, login, shot
from tests.factories import CaseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def add_visit(page, name, national_id, people, outcome, kind=""):
    page.get_by_role("link", name="Thêm lượt tiếp").click()
    page.wait_for_selector("#visit-form")
    assert not accessibility_problems(page), "visit form"
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Số CCCD").fill(national_id)
    page.get_by_label("Số người").fill(str(people))
    page.locator("#id_content").fill("Khiếu nại việc thu hồi đất")
    page.locator("#id_field").select_option(index=1)
    if kind:
        page.locator("#id_content_kind").select_option(kind)
    page.locator(f"input[name=outcome][value={outcome}]").check()
    page.locator("#visit-form button[type=submit]").click()
    page.wait_for_selector("#visit-form", state="detached")


def test_a_ward_official_records_a_session_opens_a_case_and_sees_its_due_date(
    page, live_server, ward, ward_official, tmp_path
):
    login(page, live_server, ward_official)
    page.goto(f"{live_server.url}/reception/sessions/new/")
    page.locator("input[name=kind][value=regular]").check()
    page.locator("#id_starts_at").fill((timezone.localtime() - timedelta(hours=1)).strftime("%d/%m/%Y %H:%M"))
    page.locator("#id_place").fill("Trụ sở tiếp công dân phường")
    page.locator("#id_host_name").fill("Nguyễn Thị Hương")
    page.get_by_role("button", name="Lưu buổi tiếp").click()
    shot(page, "1-session-new")
    add_visit(page, "Lê Văn Tám", "001090001111", 1, "guided")
    add_visit(page, "Đại diện tổ dân phố 5", "001090002222", 7, "guided")
    add_visit(page, "Trần Thị Mai", "001090003333", 1, "letter_received", "complaint")
    figures = {k: page.locator(f"[data-stat={k}]").inner_text() for k in ["visits", "people", "delegations", "cases"]}
    assert figures == {"visits": "3", "people": "9", "delegations": "1", "cases": "1"}
    shot(page, "1-session")

    case = Case.objects.get()
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    document = tmp_path / "bien-ban.pdf"
    document.write_bytes(b"%PDF-1.4 bien ban tiep cong dan")
    page.locator("input[type=file]").set_input_files(str(document))
    page.get_by_role("button", name="Tải tài liệu lên").click()
    assert case.attachments.count() == 1
    page.locator("summary", has_text="Phân loại").first.click()
    page.get_by_role("button", name="Xác nhận: Phân loại").click()
    page.locator("summary", has_text="Thụ lý").first.click()
    page.get_by_role("button", name="Xác nhận: Thụ lý").click()
    case.refresh_from_db()
    assert case.status == "accepted"
    assert f"{case.due_on:%d/%m/%Y}" in page.locator(".status-panel").inner_text()
    shot(page, "1-case")


def submit_with_papers(page, note: str) -> None:
    """Submit the dossier with its covering note and the signed plan (a small PDF)."""
    page.locator("summary", has_text="Trình cấp ủy cấp trên").click()
    page.locator("#covering_note-submit").fill(note)
    page.locator("#signed_plan-submit").set_input_files(
        files=[{"name": "de-an.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    page.get_by_role("button", name="Xác nhận: Trình cấp ủy cấp trên").click()


def test_a_district_reviewer_returns_then_approves_a_dossier(
    page, live_server, grassroots, ward_official, district_reviewer, other_ward
):
    from tests.factories import user_with_role

    login(page, live_server, ward_official)
    page.goto(f"{live_server.url}/org/dossiers/new/")
    page.locator("#id_unit").select_option(label=grassroots.name)
    page.locator("#id_year").fill("2025")
    page.locator("input[name=origin][value=rating]").check()
    page.locator("#id_identified_on").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.locator("input[name=reasons]").first.check()
    page.locator("#id_goals").fill("Khôi phục đoàn kết nội bộ")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    for n in range(4):
        page.locator("summary", has_text="Thêm nhiệm vụ").click()
        page.locator("#id_solution").fill(f"Giải pháp {n + 1}")
        page.locator("#id_task_type").select_option(index=1)
        page.locator("#id_owner").fill("Bí thư chi bộ")
        deadline = date.today() - timedelta(days=3) if n == 0 else date.today() + timedelta(days=60)
        page.locator("#id_deadline").fill(deadline.strftime("%d/%m/%Y"))
        page.get_by_role("button", name="Thêm nhiệm vụ").click()
    submit_with_papers(page, "Trình đề án củng cố Chi bộ")

    login(page, live_server, district_reviewer)
    dossier = WeakDossier.objects.get()
    page.goto(f"{live_server.url}{dossier.get_absolute_url()}")
    page.locator("summary", has_text="Trả lại").click()
    page.locator("#note-return").fill("Bổ sung giải pháp về công tác cán bộ")
    page.get_by_role("button", name="Xác nhận: Trả lại kèm ý kiến").click()

    login(page, live_server, ward_official)
    page.goto(f"{live_server.url}{dossier.get_absolute_url()}")
    assert "Bổ sung giải pháp về công tác cán bộ" in page.content()
    submit_with_papers(page, "Đã bổ sung giải pháp về công tác cán bộ")

    login(page, live_server, district_reviewer)
    page.goto(f"{live_server.url}{dossier.get_absolute_url()}")
    page.locator("summary", has_text="Phê duyệt").click()
    page.get_by_role("button", name="Xác nhận: Phê duyệt hồ sơ và đề án").click()
    dossier.refresh_from_db()
    assert dossier.status == "consolidating"
    assert "chậm tiến độ" in page.content()
    shot(page, "2-dossier")

    page.locator("summary", has_text="Ghi nhận đánh giá lại").click()
    page.locator("#note-reassess").fill("Đã khắc phục mất đoàn kết, kiện toàn chi ủy")
    page.get_by_role("button", name="Xác nhận: Ghi nhận đánh giá lại").click()
    page.locator("summary", has_text="Đưa ra khỏi danh sách").click()
    # Plan tasks are still open: the reviewer records why the organization comes off the list all the same.
    page.locator("#open_items_reason-off_list").fill("Các nhiệm vụ còn lại chuyển sang kế hoạch năm sau")
    page.get_by_role("button", name="Xác nhận: Đưa ra khỏi danh sách").click()
    dossier.refresh_from_db()
    assert dossier.status == "off_list" and dossier.ended_on == timezone.localdate()
    timeline = page.locator(".timeline").inner_text()
    for status in ("Đã trình cấp trên xem xét", "Đã trả lại kèm ý kiến", "Đã đưa ra khỏi danh sách"):
        assert status in timeline

    login(page, live_server, user_with_role(other_ward, "district_reviewer"))
    assert page.goto(f"{live_server.url}{dossier.get_absolute_url()}").status == 404


OVERLAPS = """() => {
  const found = [];
  for (const svg of document.querySelectorAll("figure.chart svg")) {
    const boxes = Array.from(svg.querySelectorAll("text.chart__label")).map((text) => text.getBoundingClientRect());
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
      const apart = a.right - 0.5 <= b.left || b.right - 0.5 <= a.left
        || a.bottom - 0.5 <= b.top || b.bottom - 0.5 <= a.top;
      if (a.width && b.width && !apart) {
        found.push(svg.getAttribute("aria-labelledby"));
      }
    }));
  }
  return found;
}"""


def overlapping_chart_labels(page) -> list[str]:
    """The charts on the page in which two labels' boxes intersect, as the browser lays them out."""
    return page.evaluate(OVERLAPS)


@pytest.mark.worker
def test_the_steering_committee_compiles_and_downloads_the_report(
    page, live_server, celery_worker_queue, city, ward, steering_member
):
    import docx
    import openpyxl

    from tests.factories import ReceptionSessionFactory, VisitFactory

    VisitFactory(
        session=ReceptionSessionFactory(
            unit=ward, created_by=steering_member, starts_at=timezone.now() - timedelta(days=3)
        ),
        people_count=7,
        is_mass_delegation=True,
    )
    # A case in every field, so that the chart by field has all its labels to place.
    for number, case_field in enumerate(CaseField.objects.all(), start=1):
        CaseFactory(
            unit=ward,
            field=case_field,
            number=f"{number}/E2E",
            received_on=timezone.localdate() - timedelta(days=number),
        )
    login(page, live_server, steering_member)
    page.goto(f"{live_server.url}/")
    assert not overlapping_chart_labels(page), "the overview's chart labels overlap"
    page.goto(f"{live_server.url}/reports/")
    page.locator("#id_unit").select_option(label=city.name)
    page.locator("input[name=period_kind][value=year]").check()
    page.locator("#id_year").fill(str(timezone.localdate().year))
    page.get_by_role("button", name="Tổng hợp").click()
    page.wait_for_selector("text=Tải DOCX", timeout=60_000)
    shot(page, "3-report")
    # How a figure is counted, under its label.
    page.locator("summary", has_text="Cách tính").first.click()
    assert page.locator("details.definition[open] p").first.is_visible()
    assert not overlapping_chart_labels(page), "chart labels overlap"
    report = Report.objects.latest("pk")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải DOCX (thể thức văn bản của Đảng)").click()
    assert download.value.suggested_filename == file_name(report, "docx")
    assert download.value.suggested_filename.endswith("_mau-dang.docx")
    document = docx.Document(str(download.value.path()))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in document.tables[0].cell(0, 1).text
    rows = {
        row.cells[1].text: row.cells[2].text
        for table in document.tables[1:]
        for row in table.rows
        if len(row.cells) >= 3
    }
    assert (rows["Lượt tiếp"], rows["Số người được tiếp"]) == ("1", "7")
    with page.expect_download() as download:
        page.get_by_role("link", name="DOCX (thể thức văn bản hành chính)").click()
    assert download.value.suggested_filename == file_name(report, "docx-state")
    state = docx.Document(str(download.value.path()))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in state.tables[0].cell(0, 1).text
    with page.expect_download() as download:
        page.get_by_role("link", name="Phụ lục số liệu (XLSX)").click()
    assert download.value.suggested_filename == file_name(report, "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    reception = workbook.worksheets[1]
    values = {row[1]: row[2] for row in reception.iter_rows(min_row=4, values_only=True) if row[1]}
    assert values["Lượt tiếp"] == 1 and values["Số người được tiếp"] == 7


def test_the_main_actions_work_from_the_keyboard(page, live_server, ward, ward_official):
    """Sign in and add a visit without a mouse: focus starts in the form, labelled fields, Enter to submit."""
    from tests.factories import ReceptionSessionFactory

    session = ReceptionSessionFactory(unit=ward, created_by=ward_official)
    page.goto(f"{live_server.url}/accounts/login/?next={session.get_absolute_url()}")
    assert page.evaluate("document.activeElement.id") == "id_username"  # the form starts where the user types
    page.keyboard.type(ward_official.username)
    page.keyboard.press("Tab")
    page.keyboard.type("Mat-khau-2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("link", name="Thêm lượt tiếp").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#visit-form")
    page.get_by_label("Họ và tên").focus()
    page.keyboard.type("Lê Văn Bàn Phím")
    page.get_by_label("Nội dung", exact=True).focus()
    page.keyboard.type("Hỏi thủ tục cấp sổ đỏ")
    page.locator("#id_field").focus()
    page.keyboard.press("ArrowDown")
    page.locator("input[name=outcome][value=guided]").focus()
    page.keyboard.press("Space")
    page.locator("#visit-form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#visit-form", state="detached")
    assert page.locator("[data-stat=visits]").inner_text() == "1"
