"""Attachments: the allow-list checked against the bytes, the size limit, the checksum, the ClamAV hook, and
downloads only through the scope gate and, for a denunciation, the identity right."""

import hashlib
import socket
import struct
import threading
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.confidentiality import record_label
from accounts.models import PersonalDataAccess
from cases.attachments import attachment_add, attachment_void
from cases.choices import EventKind
from cases.models import Attachment, CaseEvent, Letter
from tests.factories import CaseFactory, user_with_role

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
DOCX = b"PK\x03\x04" + b"\x14\x00" + b"\x00" * 40
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40


def pdf_upload(name: str = "bien-ban-xac-minh.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_letter(unit, **fields) -> Letter:
    """A registered letter of `unit` (anonymous, so it needs no citizen)."""
    fields.setdefault("created_by", user_with_role(unit))
    return Letter.objects.create(
        unit=unit,
        number=f"{Letter.objects.filter(unit=unit).count() + 1}/2026",
        received_on=date(2026, 3, 2),
        channel="post",
        summary="Đơn phản ánh việc lấn chiếm vỉa hè",
        is_anonymous=True,
        **fields,
    )


def make_attachment(unit, *, case=None, letter=None, content: bytes = PDF, name: str = "bien-ban.pdf") -> Attachment:
    """A document of a case of `unit` (or of the given case or letter), stored through the service."""
    if case is None and letter is None:
        case = CaseFactory(unit=unit)
    return attachment_add(user=user_with_role(unit), case=case, letter=letter, upload=SimpleUploadedFile(name, content))


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CLAMAV_URL = ""
    settings.ATTACHMENT_MAX_MB = 20
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Storing -------------------------------------------------------------------------------------------------------


def test_attachment_add_stores_an_allowed_file_with_its_checksum_outside_the_web_root(ward, ward_official, media):
    case = CaseFactory(unit=ward)

    attachment = attachment_add(user=ward_official, case=case, upload=pdf_upload(), description=" Biên bản ")

    attachment.refresh_from_db()
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.size == len(PDF)
    assert attachment.original_name == "bien-ban-xac-minh.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.description == "Biên bản"
    assert attachment.unit == ward
    assert attachment.scan_status == Attachment.ScanStatus.NOT_SCANNED
    path = Path(attachment.file.path).resolve()
    assert path.read_bytes() == PDF
    assert path.is_relative_to(media.resolve())
    # The stored name is the checksum, with no extension: nothing chosen by the uploader reaches the disk.
    assert path.name == attachment.sha256
    web_roots = [django_settings.STATIC_ROOT, *django_settings.STATICFILES_DIRS, django_settings.BASE_DIR / "templates"]
    assert not any(path.is_relative_to(Path(root).resolve()) for root in web_roots)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ATTACHMENT, note="bien-ban-xac-minh.pdf").exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("anh-hien-truong.PNG", PNG, "image/png"),
        ("to-trinh.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("bang-ke.xls", XLS, "application/vnd.ms-excel"),
        ("anh.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
    ],
)
def test_attachment_add_accepts_the_allowed_types(ward, ward_official, name, content, content_type):
    attachment = attachment_add(
        user=ward_official, case=CaseFactory(unit=ward), upload=SimpleUploadedFile(name, content)
    )

    assert attachment.content_type == content_type


def test_attachment_add_attaches_to_a_letter_without_a_case_event(ward, ward_official):
    letter = make_letter(ward)

    attachment = attachment_add(user=ward_official, letter=letter, upload=pdf_upload())

    assert list(letter.attachments.all()) == [attachment]
    assert attachment.unit_id == ward.pk
    assert not CaseEvent.objects.filter(kind=EventKind.ATTACHMENT).exists()


def assert_refused(media: Path, call, message_part: str = "") -> None:
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert "file" in excinfo.value.message_dict
    assert message_part in " ".join(excinfo.value.message_dict["file"])
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("name", ["chuong-trinh.exe", "trang.html", "anh.svg", "khong-duoi", "bao-cao.pdf.exe"])
def test_attachment_add_refuses_an_extension_outside_the_allow_list(ward, ward_official, media, name):
    case = CaseFactory(unit=ward)

    assert_refused(media, lambda: attachment_add(user=ward_official, case=case, upload=pdf_upload(name=name)))


def test_attachment_add_refuses_a_file_whose_bytes_do_not_match_its_extension(ward, ward_official, media):
    case = CaseFactory(unit=ward)

    assert_refused(
        media, lambda: attachment_add(user=ward_official, case=case, upload=pdf_upload("anh.pdf", content=PNG))
    )
    assert_refused(
        media, lambda: attachment_add(user=ward_official, case=case, upload=pdf_upload("to-trinh.docx", content=PDF))
    )


def test_attachment_add_refuses_an_oversized_file(ward, ward_official, media, settings):
    settings.ATTACHMENT_MAX_MB = 0
    case = CaseFactory(unit=ward)

    assert_refused(media, lambda: attachment_add(user=ward_official, case=case, upload=pdf_upload()), "0 MB")


def test_attachment_add_refuses_an_empty_file(ward, ward_official, media):
    case = CaseFactory(unit=ward)

    assert_refused(media, lambda: attachment_add(user=ward_official, case=case, upload=pdf_upload(content=b"")))


def test_attachment_add_needs_the_right_to_change_the_unit(ward, other_ward_official, district_reviewer, media):
    case = CaseFactory(unit=ward)

    for user in (other_ward_official, district_reviewer):
        with pytest.raises(PermissionDenied):
            attachment_add(user=user, case=case, upload=pdf_upload())
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_attachment_add_refuses_a_voided_case(ward, ward_official, media):
    case = CaseFactory(unit=ward, is_void=True, void_reason="Nhập trùng")

    with pytest.raises(ValidationError):
        attachment_add(user=ward_official, case=case, upload=pdf_upload())
    assert stored_files(media) == []


def test_a_failed_save_leaves_no_file_behind(ward, ward_official, media):
    case = CaseFactory(unit=ward)

    with pytest.raises(ValidationError) as excinfo:
        attachment_add(user=ward_official, case=case, upload=pdf_upload(), description="x" * 301)
    assert "description" in excinfo.value.message_dict
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


# Virus scan ----------------------------------------------------------------------------------------------------


def _read_exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("client closed the connection")
        data += chunk
    return data


@contextmanager
def fake_clamd(answer: bytes):
    """A one-connection clamd on 127.0.0.1 that reads an INSTREAM command and gives `answer`. Yields its URL and
    the list that receives (command, bytes scanned)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)
    received: list[tuple[bytes, bytes]] = []

    def serve() -> None:
        conn, _address = server.accept()
        with conn:
            command = _read_exactly(conn, len(b"zINSTREAM\0"))
            data = b""
            while length := struct.unpack("!L", _read_exactly(conn, 4))[0]:
                data += _read_exactly(conn, length)
            received.append((command, data))
            conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}", received
    finally:
        thread.join(timeout=5)
        server.close()


def test_an_infected_file_is_refused_and_not_stored(ward, ward_official, media, settings):
    case = CaseFactory(unit=ward)
    with fake_clamd(b"stream: Eicar-Test-Signature FOUND\0") as (url, received):
        settings.CLAMAV_URL = url
        assert_refused(
            media, lambda: attachment_add(user=ward_official, case=case, upload=pdf_upload()), "Eicar-Test-Signature"
        )
    assert received == [(b"zINSTREAM\0", PDF)]
    assert not CaseEvent.objects.filter(kind=EventKind.ATTACHMENT).exists()


def test_a_clean_scan_is_recorded(ward, ward_official, settings):
    big = PDF + b"0" * 200_000  # several INSTREAM chunks
    with fake_clamd(b"stream: OK\0") as (url, received):
        settings.CLAMAV_URL = url
        attachment = attachment_add(user=ward_official, case=CaseFactory(unit=ward), upload=pdf_upload(content=big))

    assert received == [(b"zINSTREAM\0", big)]
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN
    assert attachment.scan_detail == ""


def test_an_unreachable_scanner_stores_the_file_with_a_scan_error(ward, ward_official, settings):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{port}"  # nothing listens there any more

    attachment = attachment_add(user=ward_official, case=CaseFactory(unit=ward), upload=pdf_upload())

    assert attachment.scan_status == Attachment.ScanStatus.ERROR
    assert attachment.scan_detail
    assert Path(attachment.file.path).read_bytes() == PDF


def test_an_unexpected_scanner_answer_is_a_scan_error(ward, ward_official, settings):
    with fake_clamd(b"INSTREAM size limit exceeded. ERROR\0") as (url, _received):
        settings.CLAMAV_URL = url
        attachment = attachment_add(user=ward_official, case=CaseFactory(unit=ward), upload=pdf_upload())

    assert attachment.scan_status == Attachment.ScanStatus.ERROR
    assert "size limit" in attachment.scan_detail


# Voiding -------------------------------------------------------------------------------------------------------


def test_attachment_void_keeps_the_file_and_needs_a_reason(ward, ward_official):
    attachment = make_attachment(ward)

    with pytest.raises(ValidationError):
        attachment_void(user=ward_official, attachment=attachment, reason="  ")
    attachment_void(user=ward_official, attachment=attachment, reason="Tải nhầm tệp")

    attachment.refresh_from_db()
    assert attachment.is_void
    assert Path(attachment.file.path).exists()
    assert attachment.history.first().history_change_reason == "Tải nhầm tệp"
    assert CaseEvent.objects.filter(case=attachment.case, kind=EventKind.VOIDED, note__contains="Tải nhầm").exists()
    with pytest.raises(ValidationError):
        attachment_void(user=ward_official, attachment=attachment, reason="Lần nữa")


# Views ---------------------------------------------------------------------------------------------------------


def download(client, user, attachment):
    client.force_login(user)
    return client.get(reverse("cases:attachment_download", kwargs={"pk": attachment.pk}))


def test_download_serves_the_bytes_to_a_user_of_the_unit(client, ward, ward_official):
    attachment = make_attachment(ward, name="Biên bản xác minh.pdf")

    response = download(client, ward_official, attachment)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert not PersonalDataAccess.objects.exists()


def test_download_is_404_for_another_ward(client, ward, other_ward_official):
    attachment = make_attachment(ward)

    assert download(client, other_ward_official, attachment).status_code == 404


def test_a_voided_or_infected_document_is_not_served(client, ward, ward_official):
    voided = make_attachment(ward)
    attachment_void(user=ward_official, attachment=voided, reason="Tải nhầm tệp")
    infected = make_attachment(ward, content=PDF + b"khac")
    Attachment.objects.filter(pk=infected.pk).update(scan_status=Attachment.ScanStatus.INFECTED)

    assert download(client, ward_official, voided).status_code == 403
    assert download(client, ward_official, infected).status_code == 403


def test_a_denunciation_document_needs_the_identity_right_and_each_download_is_logged(
    client, ward, ward_official, district_reviewer
):
    attachment = make_attachment(ward, case=CaseFactory(unit=ward, kind="denunciation"))

    assert download(client, ward_official, attachment).status_code == 403
    assert not PersonalDataAccess.objects.exists()

    response = download(client, district_reviewer, attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    access = PersonalDataAccess.objects.get()
    assert access.user == district_reviewer
    assert access.kind == PersonalDataAccess.Kind.VIEW_IDENTITY
    assert access.unit == ward
    assert access.record == record_label(attachment)  # its kind and number: a file name may name the denouncer
    assert access.path == attachment.get_absolute_url()


def test_a_confidential_letter_document_needs_the_identity_right(client, ward, ward_official, district_reviewer):
    attachment = make_attachment(ward, letter=make_letter(ward, content="denunciation"))

    assert download(client, ward_official, attachment).status_code == 403
    assert download(client, district_reviewer, attachment).status_code == 200
    assert PersonalDataAccess.objects.count() == 1


def test_upload_view_attaches_and_returns_to_the_case(client, ward, ward_official):
    case = CaseFactory(unit=ward)
    url = reverse("cases:attachment_upload_case", kwargs={"case_pk": case.pk})
    client.force_login(ward_official)

    assert client.get(url).status_code == 200
    response = client.post(url, {"file": pdf_upload(), "description": "Biên bản"})

    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    attachment = case.attachments.get()
    assert (attachment.description, attachment.uploaded_by) == ("Biên bản", ward_official)


def test_upload_view_shows_the_refusal_next_to_the_file_field(client, ward, ward_official, media):
    case = CaseFactory(unit=ward)
    client.force_login(ward_official)

    response = client.post(
        reverse("cases:attachment_upload_case", kwargs={"case_pk": case.pk}),
        {"file": pdf_upload("anh.pdf", content=PNG)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert stored_files(media) == []


def test_upload_views_are_404_outside_scope_and_for_readers(client, ward, other_ward_official, district_reviewer):
    case, letter = CaseFactory(unit=ward), make_letter(ward)
    urls = [
        reverse("cases:attachment_upload_case", kwargs={"case_pk": case.pk}),
        reverse("cases:attachment_upload_letter", kwargs={"letter_pk": letter.pk}),
    ]
    for user in (other_ward_official, district_reviewer):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
            assert client.post(url, {"file": pdf_upload()}).status_code == 404
    assert not Attachment.objects.exists()


def test_void_view_needs_a_reason_and_the_change_right(client, ward, ward_official, other_ward_official):
    attachment = make_attachment(ward)
    url = reverse("cases:attachment_void", kwargs={"pk": attachment.pk})

    client.force_login(other_ward_official)
    assert client.post(url, {"reason": "Tải nhầm"}).status_code == 404
    client.force_login(ward_official)
    assert client.get(url).status_code == 405
    client.post(url, {"reason": ""})
    attachment.refresh_from_db()
    assert not attachment.is_void

    response = client.post(url, {"reason": "Tải nhầm tệp"})

    assert response.status_code == 302
    assert response["Location"] == attachment.case.get_absolute_url()
    attachment.refresh_from_db()
    assert attachment.is_void


def test_the_attachments_section_hides_confidential_links_without_the_identity_right(rf, ward, ward_official):
    from django.template.loader import render_to_string

    attachment = make_attachment(ward, case=CaseFactory(unit=ward, kind="denunciation"))
    request = rf.get("/")
    request.user = ward_official
    context = {"attachments": [attachment], "attachments_confidential": True, "upload_url": "/upload/"}

    masked = render_to_string(
        "cases/includes/attachments.html", {**context, "can_see_identity": False, "can_change": True}, request
    )
    shown = render_to_string("cases/includes/attachments.html", {**context, "can_see_identity": True}, request)

    link = f'href="{attachment.get_absolute_url()}"'
    assert link not in masked
    assert attachment.original_name not in masked  # a file name may name the denouncer
    assert 'enctype="multipart/form-data"' in masked
    assert link in shown
    assert "/upload/" not in shown  # no upload form without the right to change
