import csv
import io
from datetime import date, datetime

import pytest
from celery.exceptions import Retry
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import PersonalDataAccess
from accounts.roles import Role
from cases import exports
from cases.models import ExportJob, SavedFilter
from cases.tasks import run_export
from tests.factories import CaseFactory, CitizenFactory, user_with_role

FILTER = "kind=complaint&kind=denunciation&q=&page=2"


@pytest.fixture
def cases(ward, other_ward):
    """Two cases the filter keeps (a complaint and a denunciation), one it drops, one in another ward."""
    complaint = CaseFactory(
        unit=ward,
        number="1/2026",
        kind="complaint",
        complainant=CitizenFactory(unit=ward, full_name="Trần Thị Khiếu Nại"),
        summary="=1+1 khiếu nại quyết định thu hồi đất",
        received_on=date(2026, 3, 2),
        is_hot_spot=True,
    )
    denunciation = CaseFactory(
        unit=ward,
        number="2/2026",
        kind="denunciation",
        complainant=CitizenFactory(unit=ward, full_name="Nguyễn Văn Tố Giác"),
        summary="Tố cáo cán bộ địa chính nhận tiền",
        received_on=date(2026, 3, 5),
    )
    CaseFactory(unit=ward, number="3/2026", kind="recommendation", summary="Kiến nghị sửa đường")
    CaseFactory(unit=other_ward, number="4/2026", kind="complaint", summary="Khiếu nại ở phường khác")
    return complaint, denunciation


def _export(client, user, export_format, query=FILTER):
    client.force_login(user)
    response = client.post(reverse("cases:export_create"), {"format": export_format, "query": query})
    job = ExportJob.objects.filter(user=user).latest("pk")
    assert response.status_code == 302
    assert response.url == reverse("cases:export_status", kwargs={"pk": job.pk})
    return job


def _download(client, job) -> bytes:
    response = client.get(reverse("cases:export_download", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def _xlsx_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert isinstance(sheet, Worksheet)
    return list(sheet.iter_rows(values_only=True))


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read Vietnamese"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_xlsx_export_has_the_filtered_rows_and_masks_the_denouncer_for_a_ward_official(client, cases, ward_official):
    job = _export(client, ward_official, "xlsx")
    assert (job.status, job.rows_total, job.rows_done) == ("done", 2, 2)
    rows = _xlsx_rows(_download(client, job))
    assert "Khiếu nại" in rows[0][0]  # the title states the filter
    assert rows[1][0].startswith(gettext("Data as of {time}").split("{")[0])  # "Dữ liệu đến dd/mm/yyyy HH:MM"
    assert rows[2][0] == gettext("Number")
    data = {row[0]: row for row in rows[3:]}
    assert set(data) == {"1/2026", "2/2026"}
    assert data["2/2026"][6] == gettext("Confidential (denouncer)")
    assert data["1/2026"][6] == "Trần Thị Khiếu Nại"
    assert data["1/2026"][2] == datetime(2026, 3, 2)
    assert data["1/2026"][8] == "=1+1 khiếu nại quyết định thu hồi đất"  # text, not a formula
    assert gettext("Hot spot") in data["1/2026"][12]
    assert "Tố Giác" not in str(rows)


def test_xlsx_export_shows_the_denouncer_to_a_user_with_the_identity_right(client, cases, district_reviewer):
    rows = _xlsx_rows(_download(client, _export(client, district_reviewer, "xlsx")))
    data = {row[0]: row for row in rows[3:]}
    assert data["2/2026"][6] == "Nguyễn Văn Tố Giác"


def test_csv_export_has_the_filtered_rows_and_masks_the_denouncer(client, cases, ward_official):
    rows = _csv_rows(_download(client, _export(client, ward_official, "csv")))
    assert rows[0][0] == gettext("Number")
    data = {row[0]: row for row in rows[1:]}
    assert set(data) == {"1/2026", "2/2026"}
    assert data["2/2026"][6] == gettext("Confidential (denouncer)")
    assert data["1/2026"][2] == "02/03/2026"
    assert data["1/2026"][8].startswith("'=1+1")  # spreadsheet programs must not run it


def test_csv_export_shows_the_denouncer_to_a_user_with_the_identity_right(client, cases, district_reviewer):
    rows = _csv_rows(_download(client, _export(client, district_reviewer, "csv")))
    assert {row[0]: row for row in rows[1:]}["2/2026"][6] == "Nguyễn Văn Tố Giác"


def test_export_rows_follow_the_list_filter_and_the_export_scope(cases, ward_official):
    numbers = [row[0] for row in exports.export_rows(user=ward_official, query="kind=denunciation")]
    assert numbers == ["2/2026"]
    everything = [row[0] for row in exports.export_rows(user=ward_official, query="")]
    assert everything == ["2/2026", "3/2026", "1/2026"]  # the list's order; the other ward's case is not there
    assert list(exports.export_rows(user=ward_official, query="received_from=not-a-date")) == []


def test_each_export_writes_one_personal_data_log_row(client, cases, ward, ward_official):
    job = _export(client, ward_official, "csv")
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.kind, log.unit) == (ward_official, PersonalDataAccess.Kind.EXPORT, ward)
    assert log.record == f"export {job.pk}: 2 rows"
    assert log.path == f"{reverse('cases:case_list')}?kind=complaint&kind=denunciation"


def test_a_large_export_runs_in_the_task_and_ends_done(
    client, cases, ward_official, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(ward_official)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("cases:export_create"), {"format": "xlsx", "query": FILTER})
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.PENDING
    fragment = client.get(reverse("cases:export_status", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in fragment.content.decode()
    assert "<progress" in fragment.content.decode()
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (eagerly in tests)
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done) == ("done", 2, 2)
    assert job.finished_at is not None
    fragment = client.get(reverse("cases:export_status", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true")
    content = fragment.content.decode()
    assert "hx-get" not in content and "hx-trigger" not in content
    assert reverse("cases:export_download", kwargs={"pk": job.pk}) in content
    assert "<html" not in content


def test_the_status_page_shows_progress_as_text_and_a_live_region(client, ward_official):
    job = ExportJob.objects.create(user=ward_official, format="csv", rows_total=5000, rows_done=1000)
    client.force_login(ward_official)
    content = client.get(reverse("cases:export_status", kwargs={"pk": job.pk})).content.decode()
    assert 'role="status"' in content and 'aria-live="polite"' in content
    assert '<progress max="5000" value="1000"' in content
    assert "1.000 / 5.000" in content


def test_running_an_export_twice_keeps_one_file_and_one_result(cases, ward_official, media_root):
    job = exports.export_create(user=ward_official, format="csv", query=FILTER)
    # An interrupted earlier run left a file where this export's file goes.
    (media_root / "exports").mkdir(parents=True)
    (media_root / "exports" / f"export-{job.pk}.csv").write_bytes(b"half written")
    exports.export_run(job_id=job.pk)
    job.refresh_from_db()
    first = (job.file.name, job.finished_at)
    exports.export_run(job_id=job.pk)
    run_export.delay(job.pk)
    job.refresh_from_db()
    assert (job.file.name, job.finished_at) == first
    assert [path.name for path in (media_root / "exports").iterdir()] == [f"export-{job.pk}.csv"]
    assert job.file.read().startswith(b"\xef\xbb\xbf")
    assert PersonalDataAccess.objects.count() == 1


def test_progress_is_saved_while_the_file_is_written(cases, ward_official, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    job = exports.export_create(user=ward_official, format="csv", query=FILTER)
    seen = []
    write_csv = exports.write_csv

    def watching(rows, out, **kwargs):
        def observed():
            for row in rows:
                seen.append(ExportJob.objects.values_list("status", "rows_total", "rows_done").get(pk=job.pk))
                yield row

        return write_csv(observed(), out, **kwargs)

    monkeypatch.setattr(exports, "write_csv", watching)
    exports.export_run(job_id=job.pk)
    assert seen == [("running", 2, 0), ("running", 2, 1)]


def test_a_missing_job_is_ignored_quietly(db):
    assert exports.export_run(job_id=987654) is None
    run_export.delay(987654)


def test_a_failing_writer_marks_the_export_failed_with_a_readable_error(client, cases, ward_official, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write_xlsx", broken)
    job = _export(client, ward_official, "xlsx")
    assert job.status == ExportJob.Status.FAILED
    assert job.error == exports.failure_message(job.pk)
    assert job.finished_at is not None and not job.file
    assert not PersonalDataAccess.objects.exists()
    content = client.get(reverse("cases:export_status", kwargs={"pk": job.pk})).content.decode()
    assert job.error in content and "hx-trigger" not in content
    assert client.get(reverse("cases:export_download", kwargs={"pk": job.pk})).status_code == 404


def test_the_task_retries_a_lost_database_and_then_marks_the_export_failed(cases, ward_official, monkeypatch):
    job = exports.export_create(user=ward_official, format="csv", query="")

    def lost_connection(*, job_id):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("cases.tasks.export_run", lost_connection)
    with pytest.raises(Retry):
        run_export.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == ExportJob.Status.PENDING
    with pytest.raises(OperationalError):
        run_export.apply(args=[job.pk], retries=run_export.max_retries)
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportJob.Status.FAILED, exports.failure_message(job.pk))


def test_a_user_without_the_export_right_cannot_export(client, cases, ward):
    administrator = user_with_role(ward, Role.ADMINISTRATOR)
    client.force_login(administrator)
    response = client.post(reverse("cases:export_create"), {"format": "csv", "query": FILTER}, follow=True)
    assert not ExportJob.objects.exists()
    assert response.redirect_chain[-1][0] == f"{reverse('cases:case_list')}?kind=complaint&kind=denunciation"


def test_another_users_export_is_a_404(client, cases, ward_official, district_reviewer):
    job = _export(client, ward_official, "csv")
    client.force_login(district_reviewer)
    assert client.get(reverse("cases:export_status", kwargs={"pk": job.pk})).status_code == 404
    assert client.get(reverse("cases:export_download", kwargs={"pk": job.pk})).status_code == 404
    listed = client.get(reverse("cases:export_create")).context["jobs"]
    assert list(listed) == []


def test_the_export_costs_the_same_queries_for_2_or_22_cases(client, cases, ward, ward_official):
    client.force_login(ward_official)

    def export_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            client.post(reverse("cases:export_create"), {"format": "xlsx", "query": FILTER})
        return len(context.captured_queries)

    few = export_queries()
    for _ in range(10):
        CaseFactory(unit=ward, kind="denunciation", complainant=CitizenFactory(unit=ward), handler=ward_official)
        CaseFactory(unit=ward, kind="complaint", complainant=CitizenFactory(unit=ward))
    assert export_queries() == few
    assert ExportJob.objects.latest("pk").rows_total == 22


def test_a_saved_filter_is_created_and_the_list_shows_it(client, cases, ward_official):
    client.force_login(ward_official)
    response = client.post(reverse("cases:saved_filter_create"), {"name": " Đơn  đất đai ", "query": FILTER})
    saved = SavedFilter.objects.get()
    assert (saved.user, saved.name, saved.query) == (ward_official, "Đơn đất đai", "kind=complaint&kind=denunciation")
    assert response.url == f"{reverse('cases:case_list')}?{saved.query}"
    content = client.get(response.url).content.decode()
    assert "Đơn đất đai" in content
    assert reverse("cases:saved_filter_delete", kwargs={"pk": saved.pk}) in content
    assert reverse("cases:export_create") in content


def test_a_duplicate_saved_filter_name_is_refused_with_a_clear_message(client, ward_official):
    SavedFilter.objects.create(user=ward_official, name="Đơn đất đai", query="kind=complaint")
    client.force_login(ward_official)
    response = client.post(
        reverse("cases:saved_filter_create"), {"name": "đơn đất đai", "query": "kind=denunciation"}, follow=True
    )
    assert SavedFilter.objects.count() == 1
    messages = [str(message) for message in response.context["messages"]]
    assert any("đơn đất đai" in message for message in messages)
    assert response.redirect_chain[-1][0] == f"{reverse('cases:case_list')}?kind=denunciation"


def test_the_same_name_may_be_used_by_another_user(ward_official, district_reviewer):
    SavedFilter.objects.create(user=ward_official, name="Đơn đất đai", query="kind=complaint")
    exports.saved_filter_create(user=district_reviewer, name="Đơn đất đai", query="kind=complaint")
    assert SavedFilter.objects.count() == 2


def test_a_saved_filter_is_deleted_by_its_owner_only(client, ward_official, district_reviewer):
    saved = SavedFilter.objects.create(user=ward_official, name="Đơn đất đai", query="kind=complaint")
    url = reverse("cases:saved_filter_delete", kwargs={"pk": saved.pk})
    client.force_login(district_reviewer)
    assert client.post(url).status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    client.force_login(ward_official)
    response = client.post(url, {"query": "status=received&page=3"})
    assert response.url == f"{reverse('cases:case_list')}?status=received"
    assert not SavedFilter.objects.exists()


def test_clean_query_drops_the_page_and_empty_fields():
    assert exports.clean_query("?q=&kind=complaint&kind=&page=4&unit=7") == "kind=complaint&unit=7"
