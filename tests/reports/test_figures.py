"""Every figure of a half-year report checked against numbers worked out by hand (not by the report's queries).

Period: 6 months of 2026 = 15/12/2025 – 14/06/2026; the same period last year: 15/12/2024 – 14/06/2025.
The report's unit is `ward`, which in 2025 absorbed `old_ward`: last year's records of `old_ward` count for it.
"""

import io
import shutil
import subprocess
from datetime import date, datetime

import docx
import lxml.html
import openpyxl
import pytest
from django.utils import timezone

from cases import services as case_services
from cases.intake import intake_visit_record
from cases.models import Case
from citizens import services as reception_services
from citizens.models import ReceptionSession
from organizations import services as weak_services
from organizations.models import WeakDossier, WeakReason
from reports import services
from reports.exports import report_docx, report_xlsx, vn_number
from reports.models import Report
from tests.factories import CitizenFactory, UnitFactory, field


def at(day: date, hour: int = 9):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour), timezone.get_current_timezone())


def session(unit, user, day, kind="regular", **extra):
    return ReceptionSession.objects.create(
        unit=unit,
        number=f"T{ReceptionSession.objects.count() + 1}",
        kind=kind,
        status="held",
        starts_at=at(day),
        place="Trụ sở",
        host_name="Cán bộ",
        created_by=user,
        **extra,
    )


def case(user, unit, received, kind="complaint", people=1, citizen=None):
    letter = case_services.letter_receive(
        user=user,
        unit=unit,
        received_on=received,
        channel="post",
        sender=citizen or CitizenFactory(unit=unit),
        signers_count=people,
        summary="Nội dung",
        content=kind,
        field=field(),
        is_processable=True,
        within_competence=True,
    )
    case_services.letter_dispose(user=user, letter=letter, disposition="case", on=received)
    return Case.objects.get(letters=letter)


def resolve(user, reviewer, case_, accepted, concluded, outcome):
    case_services.case_transition(user=user, case=case_, move="classify", on=accepted)
    case_services.case_transition(user=user, case=case_, move="accept", on=accepted)
    case_services.case_transition(user=reviewer, case=case_, move="conclude", on=concluded, outcome=outcome)


@pytest.fixture
def data(ward, old_ward, other_ward, grassroots, ward_official, district_reviewer, other_ward_official):
    user, reviewer = ward_official, district_reviewer
    # Reception this period: 3 sessions held (a voided one and another ward's do not count).
    s1 = session(ward, user, date(2026, 1, 10))
    reception_services.visit_record(
        user=user,
        session=s1,
        new_citizen={"full_name": "Lê Văn A"},
        people_count=1,
        content="Hỏi thủ tục",
        field=field(),
        outcome="guided",
    )
    reception_services.visit_record(
        user=user,
        session=s1,
        new_citizen={"full_name": "Đoàn hộ dân"},
        people_count=7,
        content="Bồi thường",
        field=field(),
        outcome="guided",
    )
    s2 = session(ward, user, date(2026, 2, 5), kind="periodic", head_position="party_secretary", head_in_person=True)
    intake_visit_record(
        user=user,
        session=s2,
        new_citizen={"full_name": "Trần Thị B"},
        people_count=1,
        content="Khiếu nại cấp phép",
        field=field(),
        outcome="letter_received",
        content_kind="complaint",
    )
    session(ward, user, date(2026, 3, 1), kind="periodic", head_position="pc_chairman", head_in_person=False)
    voided = session(ward, user, date(2026, 1, 20))
    reception_services.visit_record(
        user=user,
        session=voided,
        new_citizen={"full_name": "X"},
        people_count=3,
        content="x",
        field=field(),
        outcome="guided",
    )
    reception_services.session_void(user=user, session=voided, reason="Nhập nhầm")
    session(other_ward, other_ward_official, date(2026, 1, 10))
    # Reception last year, in the ward that merged into this one: 1 session, 1 visit of 2 people.
    s6 = session(old_ward, user, date(2025, 3, 3))
    reception_services.visit_record(
        user=user,
        session=s6,
        new_citizen={"full_name": "Phạm C"},
        people_count=2,
        content="Kiến nghị",
        field=field(),
        outcome="guided",
    )

    # Letters and cases.
    anonymous = case_services.letter_receive(
        user=user,
        unit=ward,
        received_on=date(2026, 3, 10),
        channel="post",
        is_anonymous=True,
        summary="Nặc danh",
        content="complaint",
        field=field(),
        is_processable=False,
        missing_element="Không rõ người gửi",
    )
    case_services.letter_dispose(
        user=user, letter=anonymous, disposition="archived", archive_reason="anonymous", on=date(2026, 3, 11)
    )
    denouncer = CitizenFactory(unit=ward, full_name="Người Tố Cáo")
    c2 = case(user, ward, date(2025, 11, 20), kind="denunciation", citizen=denouncer)
    resolve(user, reviewer, c2, date(2025, 11, 25), date(2026, 1, 15), "partly_right")  # due 25/12/2025: late
    c3 = case(user, ward, date(2026, 4, 1), people=6)
    case_services.case_designate(user=reviewer, case=c3, kind="hot_spot", reason="Tụ tập đông người")
    c4 = case(user, old_ward, date(2025, 2, 1))
    resolve(user, reviewer, c4, date(2025, 2, 5), date(2025, 3, 1), "right")  # due 07/03/2025: on time
    case(user, ward, date(2024, 10, 1))  # still open: carried over and backlogged in both periods
    # W: received before the period and not accepted by its first day (nor since): carried over all the same.
    case(user, ward, date(2025, 12, 1))
    # X: a complaint accepted on 13/03/2026 and found complex afterwards: due 28/04/2026 instead of 13/04/2026, so
    # resolved on time on 24/04/2026 (day 42 of 45).
    complex_case = case(user, ward, date(2026, 3, 10))
    case_services.case_transition(user=user, case=complex_case, move="classify", on=date(2026, 3, 13))
    case_services.case_transition(user=user, case=complex_case, move="accept", on=date(2026, 3, 13))
    case_services.case_update(user=user, case=complex_case, complexity="complex")
    case_services.case_transition(
        user=reviewer, case=complex_case, move="conclude", on=date(2026, 4, 24), outcome="right"
    )
    # Y: a denunciation accepted on 05/01/2026 (due 04/02/2026), found complex and extended once by decision, then
    # resolved on 20/02/2026: on time.
    extended = case(user, ward, date(2026, 1, 2), kind="denunciation")
    case_services.case_transition(user=user, case=extended, move="classify", on=date(2026, 1, 5))
    case_services.case_transition(user=user, case=extended, move="accept", on=date(2026, 1, 5))
    case_services.case_update(user=user, case=extended, complexity="complex")
    case_services.case_extend_deadline(
        user=user, case=extended, step="resolve", decision_number="12/QĐ-UBND", reason="Vụ việc phức tạp"
    )
    case_services.case_transition(user=reviewer, case=extended, move="conclude", on=date(2026, 2, 20), outcome="right")
    # T: a letter received on 10/06/2026 and transferred on 20/06/2026, after the cut-off: pending at the end of the
    # period, counted as transferred in the next one.
    transferred = case_services.letter_receive(
        user=user,
        unit=ward,
        received_on=date(2026, 6, 10),
        channel="post",
        sender=CitizenFactory(unit=ward),
        summary="Kiến nghị về cấp nước",
        content="recommendation",
        field=field(),
        is_processable=True,
        within_competence=False,
    )
    case_services.letter_dispose(
        user=user,
        letter=transferred,
        disposition="transferred",
        competent_body="Công ty nước sạch",
        on=date(2026, 6, 20),
    )

    # Weak organizations.
    old_org = UnitFactory(name="Chi bộ cũ", kind="grassroots", parent=old_ward, code="")
    old_dossier = WeakDossier.objects.create(
        unit=old_org,
        year=2024,
        origin="rating",
        identified_on=date(2025, 1, 10),
        created_by=user,
        goals="Củng cố",
        status="reassessed",
    )
    # An inspection (with a conclusion implemented) held between the two periods: counted in neither.
    outside = weak_services.inspection_record(
        user=reviewer,
        dossier=old_dossier,
        kind="inspection",
        on=date(2025, 11, 1),
        team="Đoàn",
        findings="",
        conclusions=[{"text": "Ngoài kỳ"}],
    )
    outside.conclusions.update(done_on=date(2025, 11, 20))
    weak_services.dossier_take_off_list(user=reviewer, dossier=old_dossier, on=date(2026, 2, 1))
    dossier = weak_services.dossier_open(
        user=user,
        unit=grassroots,
        year=2025,
        origin="rating",
        identified_on=date(2026, 1, 5),
        reasons=WeakReason.objects.all()[:1],
        goals="Khôi phục đoàn kết",
    )
    weak_services.task_save(
        user=user,
        dossier=dossier,
        solution="Kiện toàn",
        task_type="cadre_work",
        owner="Bí thư",
        deadline=date(2026, 3, 31),
        status="done",
    )
    task = dossier.tasks.get()
    task.done_on = date(2026, 3, 1)
    task.save()
    inspection = weak_services.inspection_record(
        user=reviewer,
        dossier=dossier,
        kind="inspection",
        on=date(2026, 4, 1),
        team="Đoàn",
        findings="",
        conclusions=[{"text": "Một"}, {"text": "Hai"}],
    )
    weak_services.conclusion_mark_done(user=user, conclusion=inspection.conclusions.first(), on=date(2026, 5, 1))
    return ward


EXPECTED: dict[str, dict[str, tuple[float, float]]] = {
    "weak": {
        "at_start": (1, 0),
        "identified": (1, 1),
        "taken_off": (1, 0),
        "at_end": (1, 1),
        "tasks_done": (1, 0),
        "inspections": (1, 0),
        "conclusions": (2, 0),
        "conclusions_implemented": (1, 0),
    },
    "reception": {
        "sessions": (3, 1),
        "regular": (1, 1),
        "periodic": (2, 0),
        "ad_hoc": (0, 0),
        "dialogues": (0, 0),
        "heads_in_person": (1, 0),
        "heads_delegated": (1, 0),
        "visits": (3, 1),
        "people": (9, 2),
        "delegations": (1, 0),
        "delegation_people": (7, 0),
        "cases_opened": (1, 0),
        # The secretary and the chairman of the ward (12/2025–05/2026: each month is judged in the period holding
        # its last day) and, last year, of the ward it replaced (12/2024–05/2025); one day in person is short.
        "heads_due": (2, 2),
        "heads_met_all": (0, 0),
        "head_months_due": (12, 12),
        "head_months_short": (12, 12),
    },
    "letters": {
        "carried_over": (0, 0),
        "received": (6, 1),  # + X's, Y's and T's letters
        "processable": (5, 1),
        "competent": (4, 1),  # T is not within the ward's competence
        "to_case": (4, 1),
        "guided": (0, 0),
        "transferred": (0, 0),
        "urged": (0, 0),
        "archived": (1, 0),
        "pending_at_end": (1, 0),  # T, transferred after the cut-off
    },
    "cases": {
        # This period: new c1, c3, X, Y; carried over c2, the 2024 case and W (not accepted, pending all the same).
        # Last year: new c4; carried over the 2024 case.
        "new": (4, 1),
        "carried_over": (3, 1),
        "to_handle": (7, 2),
        "complaints": (5, 2),
        "denunciations": (2, 0),
        "recommendations": (0, 0),
        "resolved": (3, 1),  # c2, X, Y; last year c4
        "resolution_rate": (42.9, 50.0),
        "resolved_on_time": (2, 1),  # X (complex: due 28/04) and Y (extended); c4
        "resolved_late": (1, 0),  # c2
        "complaints_resolved": (1, 1),
        "complaints_late": (0, 0),
        "complaints_rate": (20.0, 50.0),
        "denunciations_resolved": (2, 0),
        "denunciations_late": (1, 0),
        "denunciations_rate": (100.0, 0),
        "recommendations_resolved": (0, 0),
        "recommendations_late": (0, 0),
        "recommendations_rate": (0, 0),
        "right": (2, 1),
        "wrong": (0, 0),
        "partly_right": (1, 0),
        "withdrawn": (0, 0),
        # On 14/06/2026: c1, c3, W and the 2024 case; on 14/06/2025: the 2024 case (c4 concluded on 01/03/2025).
        "pending_at_end": (4, 1),
        "backlogged": (2, 1),  # the 2024 case and W
        "mass": (1, 0),
        "over_level": (0, 0),
        "hot_spots": (1, 0),
        "focus": (0, 0),
    },
}


def compile_report(user, unit, capture) -> Report:
    """Request a report and run the queued task (eagerly, as tests configure Celery)."""
    with capture(execute=True):
        report = services.report_request(user=user, unit=unit, period_kind="half_year", year=2026)
    return Report.objects.get(pk=report.pk)


def test_every_figure_of_the_half_year_report_matches_the_hand_count(
    data, ward_official, django_capture_on_commit_callbacks
):
    report = compile_report(ward_official, data, django_capture_on_commit_callbacks)
    assert report.status == "done", report.error
    assert (report.start, report.end) == (date(2025, 12, 15), date(2026, 6, 14))
    got = {s["code"]: {r["code"]: (r["value"], r["previous"]) for r in s["rows"]} for s in report.figures["sections"]}
    assert got == EXPECTED
    sessions = next(r for r in report.figures["sections"][1]["rows"] if r["code"] == "sessions")
    assert (sessions["diff"], sessions["pct"]) == (2, 200.0)
    # Every case is in the one field: received c1, c3, X, Y (last year c4); resolved c2, X, Y (last year c4).
    by_field = [(row["label"], row["value"], row["previous"]) for row in report.figures["by_field"]]
    resolved = [(row["label"], row["value"], row["previous"]) for row in report.figures["resolved_by_field"]]
    assert (by_field, resolved) == ([(field().name, 4, 1)], [(field().name, 3, 1)])
    assert "Người Tố Cáo" not in str(report.figures)


# The City: the same records, plus another ward's one regular session; the heads are the City's own secretary and
# chairman with those of every commune existing at each month's end (this period the ward and the other ward,
# formed on 01/07/2025; last year the ward they replaced): 6 heads × 6 months and 4 heads × 6 months, none met.
CITY_EXPECTED = {
    **EXPECTED,
    "reception": {
        **EXPECTED["reception"],
        "sessions": (4, 1),
        "regular": (2, 1),
        "heads_due": (6, 4),
        "heads_met_all": (0, 0),
        "head_months_due": (36, 24),
        "head_months_short": (36, 24),
    },
}


def test_the_citys_report_matches_the_hand_count_with_every_ward_in_its_table(
    data, city, other_ward, steering_member, django_capture_on_commit_callbacks
):
    report = compile_report(steering_member, city, django_capture_on_commit_callbacks)
    assert report.status == "done", report.error
    got = {s["code"]: {r["code"]: (r["value"], r["previous"]) for r in s["rows"]} for s in report.figures["sections"]}
    assert got == CITY_EXPECTED
    by_unit = {row["unit"]: row for row in report.figures["by_unit"]}
    assert set(by_unit) == {data.name, other_ward.name}  # the district abolished in 2025 has no row of its own
    # The ward: its sessions, the letters received and cases opened in the period (the anonymous letter, c1, c3, X,
    # Y and T's letters; c1, c3, X, Y), three resolved (c2, X, Y), its organization still weak at the end; the
    # other ward: its one session, zeros elsewhere.
    ward_row = {key: value for key, value in by_unit[data.name].items() if key != "unit"}
    assert ward_row == {"sessions": 3, "visits": 3, "letters": 6, "cases_new": 4, "cases_resolved": 3, "weak_at_end": 1}
    other_row = {key: value for key, value in by_unit[other_ward.name].items() if key != "unit"}
    assert other_row == {
        "sessions": 1,
        "visits": 0,
        "letters": 0,
        "cases_new": 0,
        "cases_resolved": 0,
        "weak_at_end": 0,
    }


def test_the_snapshot_does_not_change_with_later_edits_and_recompiling_makes_a_new_version(
    data, ward_official, django_capture_on_commit_callbacks
):
    first = compile_report(ward_official, data, django_capture_on_commit_callbacks)
    session(data, ward_official, date(2026, 5, 5))
    first.refresh_from_db()
    assert next(r["value"] for r in first.figures["sections"][1]["rows"] if r["code"] == "sessions") == 3
    second = compile_report(ward_official, data, django_capture_on_commit_callbacks)
    assert second.version == 2
    assert next(r["value"] for r in second.figures["sections"][1]["rows"] if r["code"] == "sessions") == 4


def recalculated(content: bytes, tmp_path) -> openpyxl.Workbook:
    """The workbook as LibreOffice computes it (headless): its formulas evaluated, as a committee opening it sees."""
    soffice = shutil.which("soffice")
    if soffice is None:
        # Required like PostgreSQL and Redis: a check that is skipped proves nothing (.ci/run installs it).
        pytest.fail("LibreOffice is needed to recalculate the annex: apt-get install libreoffice-calc-nogui")
    source = tmp_path / "annex.xlsx"
    source.write_bytes(content)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return openpyxl.load_workbook(tmp_path / "out" / "annex.xlsx", data_only=True)


def test_the_annex_formulas_recalculated_by_libreoffice_give_the_reports_figures(
    data, ward_official, django_capture_on_commit_callbacks, tmp_path
):
    report = compile_report(ward_official, data, django_capture_on_commit_callbacks)
    workbook = recalculated(report_xlsx(report), tmp_path)
    formulas = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    cases = formulas["D. Giải quyết vụ việc"]
    assert any(
        str(cell.value).startswith("=") for row in cases.iter_rows(min_row=4, min_col=3, max_col=4) for cell in row
    )
    for section, name in zip(
        report.figures["sections"],
        ["A. TCCSĐ yếu kém", "B. Tiếp công dân", "C. Xử lý đơn", "D. Giải quyết vụ việc"],
        strict=True,
    ):
        sheet = workbook[name]
        got = [
            tuple(cell.value for cell in row[2:6])
            for row in sheet.iter_rows(min_row=4, max_row=3 + len(section["rows"]))
        ]
        expected = [
            (row["value"], row["previous"], row["diff"], row["pct"] if row["pct"] is not None else None)
            for row in section["rows"]
        ]
        normalised = [tuple(None if value == "" else value for value in row) for row in got]
        assert normalised == expected, name


def number(text: str) -> float:
    """A number as a Vietnamese page writes it: dots between thousands, a decimal comma."""
    return float(text.replace(".", "").replace(",", "."))


def test_the_page_and_both_documents_show_the_snapshots_figures(
    client, data, ward_official, django_capture_on_commit_callbacks
):
    """The same numbers wherever the report is read: its page and the DOCX in both formats (the XLSX: above)."""
    report = compile_report(ward_official, data, django_capture_on_commit_callbacks)
    client.force_login(ward_official)
    page = lxml.html.fromstring(client.get(report.get_absolute_url()).content)
    shown = {}
    for row in page.xpath("//section[starts-with(@aria-labelledby, 'section-')]//tbody/tr"):
        cells = row.xpath("./td")
        shown[cells[0].text.strip()] = (cells[1].text_content().strip(), cells[2].text_content().strip())
    documents = [docx.Document(io.BytesIO(report_docx(report, state_format=state))) for state in (False, True)]
    for section in report.figures["sections"]:
        for row in section["rows"]:
            expected = (vn_number(row["value"]), vn_number(row["previous"]))
            assert tuple(number(text) for text in shown[row["label"]]) == (row["value"], row["previous"]), row["code"]
            for state, document in zip((False, True), documents, strict=True):
                if state and section["code"] == "weak":
                    continue  # the state format does not report party consolidation
                cells = [
                    [cell.text for cell in table_row.cells]
                    for table in document.tables
                    for table_row in table.rows
                    if len(table_row.cells) == 6 and table_row.cells[1].text == row["label"]
                ]
                assert cells and cells[0][2:4] == list(expected), (row["code"], state)
