"""core.downloads: the headers every protected download carries, whatever the view."""

import logging
import mimetypes

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile, FileField
from django.http import Http404

from core.downloads import content_disposition, content_download_response, file_download_response

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


@pytest.fixture
def stored(tmp_path):
    """A FieldFile over a real storage, as a model's file field gives it to a view."""
    storage = FileSystemStorage(location=tmp_path)

    def make(name: str, content: bytes | None = b"%PDF-1.4 bien ban") -> FieldFile:
        if content is not None:
            name = storage.save(name, ContentFile(content))
        # A file field's file without its record: a download reads only the name and the storage.
        return FieldFile(None, FileField(storage=storage), name)  # type: ignore[arg-type]

    return make


def assert_protected(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_a_vietnamese_name_is_kept_in_utf8_with_an_ascii_fallback_first():
    assert content_disposition("Biên bản xác minh.pdf") == (
        "attachment; filename=\"Bien ban xac minh.pdf\"; filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20x%C3%A1c%20minh.pdf"
    )
    assert content_disposition("Đơn đề nghị.docx").startswith('attachment; filename="Don de nghi.docx";')


def test_a_name_cannot_split_the_header_break_the_quotes_or_carry_a_path():
    header = content_disposition('evidence/2026/Đơn "khẩn"\r\nSet-Cookie: x.docx')
    assert "\r" not in header and "\n" not in header
    assert header == (
        'attachment; filename="Don _khan_Set-Cookie: x.docx"; '
        "filename*=UTF-8''%C4%90%C6%A1n%20%22kh%E1%BA%A9n%22Set-Cookie%3A%20x.docx"
    )
    assert (
        content_disposition("..\\..\\bao-cao.xlsx")
        == "attachment; filename=\"bao-cao.xlsx\"; filename*=UTF-8''bao-cao.xlsx"
    )
    assert content_disposition(" ") == "attachment; filename=\"download\"; filename*=UTF-8''download"


def test_a_stored_file_is_streamed_with_the_given_type_or_the_one_its_name_says(stored):
    response = file_download_response(stored("bien-ban.pdf"), filename="Biên bản.pdf", content_type="application/pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 bien ban"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="Bien ban.pdf";')
    assert_protected(response)
    assert file_download_response(stored("khong-ro"), filename="khong-ro")["Content-Type"] == "application/octet-stream"


def test_office_types_do_not_depend_on_the_machines_mime_table(stored, monkeypatch):
    # Python's own table has no docx, xlsx, odt or ods; it learns them only from /etc/mime.types where it exists.
    monkeypatch.setattr(mimetypes, "guess_type", mimetypes.MimeTypes().guess_type)
    assert file_download_response(stored("bao-cao.docx"), filename="bao-cao.DOCX")["Content-Type"] == DOCX
    assert content_download_response(b"PK", filename="so.ods")["Content-Type"] == ODS


def test_a_file_missing_from_storage_is_a_404_logged_with_its_name(stored, caplog):
    with caplog.at_level(logging.ERROR, logger="core.downloads"), pytest.raises(Http404):
        file_download_response(stored("evidence/mat-roi.pdf", content=None), filename="mat-roi.pdf")
    assert "evidence/mat-roi.pdf" in caplog.text
    for empty in (None, stored("", content=None)):
        with pytest.raises(Http404):
            file_download_response(empty, filename="x.pdf")


def test_bytes_made_for_the_request_carry_the_same_headers():
    response = content_download_response(b"PK\x03\x04", filename="báo-cáo-2026.docx")
    assert response.content == b"PK\x03\x04"
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        "attachment; filename=\"bao-cao-2026.docx\"; filename*=UTF-8''b%C3%A1o-c%C3%A1o-2026.docx"
    )
    assert_protected(response)
