"""Hostile uploads through the pages (the service rules are in tests/cases/test_attachments.py): an executable or
an archive named .pdf, an empty file, a file one byte over the limit, a double extension. Each is refused with a
Vietnamese message next to the file field, and nothing is stored: no row, no file. Case documents and the
evidence of a weak-organization dossier's plan tasks pass the same checks."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Attachment
from organizations import services as org_services
from organizations.models import TaskProgress
from tests.core.test_faults import row_counts
from tests.factories import CaseFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40
LIMIT_MB = 1
LIMIT = LIMIT_MB * 1024 * 1024

HOSTILE = {
    "an executable named .pdf": ("bien-ban.pdf", EXE, "Nội dung tệp không khớp với định dạng tệp"),
    "an archive named .pdf": ("bien-ban.pdf", ZIP, "Nội dung tệp không khớp với định dạng tệp"),
    "an empty file": ("bien-ban.pdf", b"", "rỗng"),
    "one byte over the limit": ("bien-ban.pdf", PDF + b"\x00" * (LIMIT - len(PDF) + 1), f"{LIMIT_MB} MB"),
    "a double extension": ("bien-ban.pdf.exe", PDF, "Loại tệp này không được chấp nhận"),
    "no extension": ("bien-ban", PDF, "Loại tệp này không được chấp nhận"),
}


@pytest.fixture(autouse=True)
def limits(settings):
    settings.ATTACHMENT_MAX_MB = LIMIT_MB
    settings.CLAMAV_URL = ""


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_case_document_is_refused_in_vietnamese_and_nothing_is_stored(
    client, ward, ward_official, media_root, name, content, message
):
    case = CaseFactory(unit=ward)
    client.force_login(ward_official)
    before = row_counts()
    response = client.post(
        reverse("cases:attachment_upload_case", kwargs={"case_pk": case.pk}),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf"), "description": "Biên bản"},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors, errors
    assert row_counts() == before and not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_exactly_at_the_limit_is_accepted(client, ward, ward_official):
    case = CaseFactory(unit=ward)
    client.force_login(ward_official)
    content = PDF + b"\x00" * (LIMIT - len(PDF))
    response = client.post(
        reverse("cases:attachment_upload_case", kwargs={"case_pk": case.pk}),
        {"file": SimpleUploadedFile("bien-ban.pdf", content), "description": ""},
    )
    assert response.status_code == 302 and case.attachments.get().size == LIMIT


@pytest.fixture
def task(grassroots, ward_official):
    dossier = org_services.dossier_open(
        user=ward_official, unit=grassroots, year=2025, origin="rating", identified_on=date(2026, 1, 5)
    )
    return org_services.task_save(
        user=ward_official,
        dossier=dossier,
        solution="Kiện toàn chi ủy",
        task_type="cadre_work",
        owner="Bí thư",
        deadline=date(2026, 12, 1),
        status="not_started",
    )


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_evidence_of_a_dossier_task_is_refused_in_vietnamese_and_nothing_is_stored(
    client, task, ward_official, media_root, name, content, message
):
    client.force_login(ward_official)
    before = row_counts()
    response = client.post(
        reverse("organizations:task_update", args=[task.pk]),
        {"on": "02/03/2026", "note": "Đã họp chi bộ", "evidence": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["progress_form"].errors["evidence"])
    assert message in errors, errors
    assert row_counts() == before and not TaskProgress.objects.exists()
    assert stored_files(media_root) == []
