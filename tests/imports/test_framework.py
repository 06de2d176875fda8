"""The import framework: cells, headings, files, the pages, the worker path."""

from datetime import date, time

import pytest
from django.urls import reverse

from citizens.models import Citizen
from imports import service
from imports.base import column_positions
from imports.importers.cases import CaseImporter
from imports.models import ImportBatch
from imports.values import CellError, parse_bool, parse_date, parse_time
from tests.imports_helpers import csv_file, preview, xlsx


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("05/03/2024", date(2024, 3, 5)),
        ("5/3/24", date(2024, 3, 5)),
        ("05-03-2024", date(2024, 3, 5)),
        ("5.3.2024", date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
        (45356, date(2024, 3, 5)),  # an Excel serial date
        (45356.0, date(2024, 3, 5)),
        ("45356", date(2024, 3, 5)),
        (date(2024, 3, 5), date(2024, 3, 5)),
        ("1/1/99", date(1999, 1, 1)),
    ],
)
def test_dates_in_the_forms_offices_write_them(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["31/02/2024", "tháng 3", "12", 3.5, "2024/13/01"])
def test_what_is_not_a_date(cell):
    with pytest.raises(CellError):
        parse_date(cell)


def test_yes_no_and_times():
    assert parse_bool("Có") and parse_bool("x") and not parse_bool("không")
    with pytest.raises(CellError):
        parse_bool("có lẽ")
    assert parse_time("8h30") == time(8, 30) and parse_time(0.5) == time(12, 0)


def test_heading_variants_are_recognised_without_case_or_diacritics():
    columns = CaseImporter.columns
    positions = column_positions(columns, ["SO VU VIEC", "ngày tiếp nhận", "Loại vụ việc *", "Received on", "lĩnh vực"])
    assert positions["number"] == 0 and positions["received_on"] == 1 and positions["kind"] == 2
    assert positions["field"] == 4


@pytest.mark.parametrize(("separator", "encoding"), [(";", "utf-8-sig"), (",", "utf-8"), ("\t", "utf-8-sig")])
def test_csv_files_with_either_separator_and_encoding(ward, ward_official, separator, encoding):
    text = separator.join(["Họ và tên", "Số CCCD", "Địa chỉ"]) + "\n"
    text += separator.join(["Nguyễn Văn An", "001090000123", "Số 5 phố Đội Cấn"]) + "\n"
    batch = preview(user=ward_official, unit=ward, kind="citizens", upload=csv_file(text, encoding=encoding))
    assert batch.created_count == 1, batch.report
    assert batch.report["create"][0][1] == "Nguyễn Văn An"


def test_a_csv_file_not_in_utf8_is_explained(ward, ward_official):
    upload = csv_file("Họ và tên;Số CCCD\nNguyễn Văn An;001090000123\n", encoding="utf-16")
    batch = preview(user=ward_official, unit=ward, kind="citizens", upload=upload)
    assert batch.report["file_errors"] and "UTF-8" in batch.report["file_errors"][0]


def test_a_file_without_a_required_column_cannot_be_confirmed(ward, ward_official):
    batch = preview(user=ward_official, unit=ward, kind="citizens", upload=xlsx(["Họ và tên", "Địa chỉ"], [["A", "B"]]))
    assert batch.report["file_errors"] and not service.can_confirm(batch)


def test_a_file_of_another_type_is_refused(ward, ward_official):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        service.batch_create(user=ward_official, kind="citizens", unit=ward, upload=SimpleUploadedFile("a.exe", b"MZ"))


def test_importing_into_a_unit_outside_scope_is_refused(other_ward, ward_official):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        service.batch_create(user=ward_official, kind="citizens", unit=other_ward, upload=csv_file("a;b\n"))


def test_the_pages_upload_preview_confirm_and_void(client, ward, ward_official, other_ward_official):
    client.force_login(ward_official)
    assert client.get(reverse("imports:batch_create")).status_code == 200
    upload = xlsx(["Họ và tên", "Số CCCD"], [["Nguyễn Văn An", "001090000123"], ["Trần Thị Bình", "12345"]])
    response = client.post(reverse("imports:batch_create"), {"kind": "citizens", "unit": ward.pk, "file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert batch.error_count == 1 and batch.created_count == 1
    assert batch.report["errors"][0][:2] == [3, "Số CCCD"]
    assert "Số CCCD" in page and reverse("imports:batch_confirm", args=[batch.pk]) in page
    assert not Citizen.objects.exists()  # the preview writes nothing
    client.post(reverse("imports:batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done" and Citizen.objects.count() == 1
    assert "Nguyễn Văn An" in client.get(batch.get_absolute_url()).content.decode()
    assert client.get(reverse("imports:batch_list")).context["batches"][0] == batch
    client.force_login(other_ward_official)
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.post(reverse("imports:batch_void", args=[batch.pk]), {"reason": "x"}).status_code == 404
    assert not client.get(reverse("imports:batch_list")).context["batches"]


def test_large_files_are_checked_and_imported_by_the_worker_path(client, settings, ward, ward_official):
    """Above IMPORT_INLINE_MAX_ROWS the task runs (eagerly in tests, after the commit) and the page polls."""
    settings.IMPORT_INLINE_MAX_ROWS = 1
    client.force_login(ward_official)
    upload = xlsx(["Họ và tên", "Số CCCD"], [["Nguyễn Văn An", "001090000123"], ["Trần Thị Bình", "001090000124"]])
    with pytest.MonkeyPatch.context() as patch:
        from imports import views

        queued = []
        patch.setattr(views.run_import, "delay", lambda *args: queued.append(args))
        client.post(reverse("imports:batch_create"), {"kind": "citizens", "unit": ward.pk, "file": upload})
    batch = ImportBatch.objects.get()
    assert batch.status == "checking"
    fragment = client.get(f"{batch.get_absolute_url()}?progress=1", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in fragment.content.decode()
    from imports.tasks import run_import

    run_import.delay(batch.pk, "preview")
    done = client.get(f"{batch.get_absolute_url()}?progress=1", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    service.batch_confirm(user=ward_official, batch=ImportBatch.objects.get())
    run_import.delay(batch.pk, "import")
    run_import.delay(batch.pk, "import")  # a redelivered task imports nothing twice
    assert ImportBatch.objects.get().status == "done" and Citizen.objects.count() == 2


@pytest.mark.parametrize("kind", ["units", "ratings", "citizens", "sessions", "letters", "cases"])
def test_every_template_downloads_with_its_headings_and_reads_back(client, ward, ward_official, kind):
    import io

    import openpyxl

    client.force_login(ward_official)
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headings = [cell.value for cell in workbook.worksheets[0][1]]
    from imports.registry import importer_for

    importer = importer_for(kind)
    positions = column_positions(importer.columns, headings)
    assert set(positions) == {column.key for column in importer.columns}
    assert len(workbook.worksheets) == 2


def test_a_file_that_breaks_the_checker_fails_with_a_message(ward, ward_official, monkeypatch):
    from imports.importers.citizens import CitizenImporter

    def broken(self, rows, context):
        raise RuntimeError("bug")

    monkeypatch.setattr(CitizenImporter, "check", broken)
    batch = preview(user=ward_official, unit=ward, kind="citizens", upload=xlsx(["Họ và tên", "Số CCCD"], [["A", "1"]]))
    assert batch.status == ImportBatch.Status.FAILED and str(batch.pk) in batch.error


def test_preview_rows_show_choices_by_their_names_not_their_codes():
    from imports.base import Row
    from imports.importers.cases import CaseImporter

    importer = CaseImporter()
    key = next(k for k in importer.sample_keys if k == "kind")
    row = Row(number=2, values={key: "complaint"})
    assert "complaint" not in importer.sample(row)


def test_an_imported_denouncer_is_named_only_to_the_importer_and_those_with_the_right(client, ward, ward_official):
    """A register brought in may name a denouncer: the batch page of a colleague without the identity right shows
    the counts and each record by kind and number, neither the preview rows nor the person's name."""
    from accounts.roles import Role
    from tests.factories import CaseFactory, user_with_role

    name = "Phùng Thị Bảo Mật"
    upload = xlsx(["Họ và tên", "Số CCCD"], [[name, "001090777123"]])
    pending = preview(user=ward_official, unit=ward, kind="citizens", upload=upload)
    colleague = user_with_role(ward, Role.WARD_OFFICIAL)
    allowed = user_with_role(ward, Role.WARD_OFFICIAL, may_see_identity=True)
    for user, sees in ((ward_official, True), (colleague, False), (allowed, True)):
        client.force_login(user)
        assert (name in client.get(pending.get_absolute_url()).content.decode()) is sees

    client.force_login(ward_official)
    client.post(reverse("imports:batch_confirm", args=[pending.pk]))
    person = Citizen.objects.get(full_name=name)
    CaseFactory(unit=ward, kind="denunciation", complainant=person)  # the only record naming the person
    for user, sees in ((ward_official, True), (colleague, False), (allowed, True)):
        client.force_login(user)
        page = client.get(pending.get_absolute_url()).content.decode()
        assert (name in page) is sees
        assert "001090777123" not in page or sees
