"""Every protected download answers with the same headers (core.downloads): a file saved under its Vietnamese
name, never rendered inline, never cached, never sniffed. One test per download view."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.attachments import attachment_add
from cases.models import ExportJob
from tests.factories import CaseFactory

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def assert_protected_download(response, *, disposition: str, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"] == disposition
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_a_case_document_downloads_under_its_vietnamese_name(client, ward, ward_official, settings):
    settings.CLAMAV_URL = ""
    upload = SimpleUploadedFile("Biên bản xác minh.pdf", PDF)
    attachment = attachment_add(user=ward_official, case=CaseFactory(unit=ward), letter=None, upload=upload)
    client.force_login(ward_official)
    url = reverse("cases:attachment_download", kwargs={"pk": attachment.pk})
    assert_protected_download(
        client.get(url),
        disposition='attachment; filename="Bien ban xac minh.pdf"; '
        "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20x%C3%A1c%20minh.pdf",
        content_type="application/pdf",
    )
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(url).status_code == 404


def test_a_plan_tasks_evidence_downloads_like_every_protected_file(client, grassroots, ward_official):
    from organizations import services

    dossier = services.dossier_open(
        user=ward_official,
        unit=grassroots,
        year=2025,
        origin="rating",
        identified_on=date(2026, 1, 5),
        goals="Khôi phục đoàn kết nội bộ",
        responsible_leader="Đồng chí Phó Bí thư Đảng ủy phường",
    )
    task = services.task_save(
        user=ward_official,
        dossier=dossier,
        solution="Kiện toàn cấp ủy",
        task_type="cadre_work",
        owner="Bí thư chi bộ",
        deadline=timezone.localdate(),
        status="not_started",
    )
    progress = services.task_add_progress(
        user=ward_official,
        task=task,
        on=timezone.localdate(),
        note="Đã họp",
        evidence=SimpleUploadedFile("bien-ban-hop.pdf", PDF),
    )
    name = progress.evidence.name.rsplit("/", 1)[-1]
    client.force_login(ward_official)
    url = reverse("organizations:evidence_download", args=[progress.pk])
    assert_protected_download(
        client.get(url),
        disposition=f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}",
        content_type="application/pdf",
    )
    progress.evidence.storage.delete(progress.evidence.name)
    assert client.get(url).status_code == 404


def test_a_case_list_export_downloads_like_every_protected_file(client, ward, ward_official):
    CaseFactory(unit=ward, created_by=ward_official)
    client.force_login(ward_official)
    client.post(reverse("cases:export_create"), {"format": "xlsx", "query": ""})
    job = ExportJob.objects.get(user=ward_official)
    assert job.status == ExportJob.Status.DONE
    name = f"vu-viec-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.xlsx"
    url = reverse("cases:export_download", kwargs={"pk": job.pk})
    assert_protected_download(
        client.get(url), disposition=f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}", content_type=XLSX
    )
    job.file.storage.delete(job.file.name)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("format", "name", "content_type"),
    [
        ("xlsx", "phu-luc-6-thang-2026_phuong-trong-pham-vi.xlsx", XLSX),
        ("docx", "bao-cao-6-thang-2026_phuong-trong-pham-vi_mau-dang.docx", DOCX),
        ("docx-state", "bao-cao-6-thang-2026_phuong-trong-pham-vi_mau-nha-nuoc.docx", DOCX),
    ],
)
def test_a_compiled_report_downloads_like_every_protected_file(
    client, ward, ward_official, django_capture_on_commit_callbacks, format, name, content_type
):
    """Named for what it is, its period, its unit and its format, so a folder of them reads on its own."""
    from reports import services

    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(user=ward_official, unit=ward, period_kind="half_year", year=2026)
    client.force_login(ward_official)
    assert_protected_download(
        client.get(reverse("reports:report_export", args=[report.pk, format])),
        disposition=f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}",
        content_type=content_type,
    )
