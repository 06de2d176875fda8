"""A request larger than UPLOAD_MAX_MB is refused with 413 and a page that states the limits, before anything
reads its body (issue #15: a 200 MB upload was read whole before the 20 MB check refused it, with no message).
No test sends megabytes: the declared Content-Length is faked, over an empty body that records being read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Attachment
from tests.factories import CaseFactory

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


class RecordingBody:
    """An empty request body that counts the times it is read."""

    def __init__(self):
        self.reads = 0

    def read(self, *args, **kwargs) -> bytes:
        self.reads += 1
        return b""

    readline = read


@pytest.fixture(autouse=True)
def limits(settings):
    settings.UPLOAD_MAX_MB = 3
    settings.ATTACHMENT_MAX_MB = 2
    settings.IMPORT_MAX_MB = 2
    settings.CLAMAV_URL = ""


def post_declaring(client, url: str, length: int):
    body = RecordingBody()
    response = client.generic(
        "POST",
        url,
        b"--BoUnDaRy--\r\n",  # not empty, or the client sends no Content-Type; the body read is `body`
        content_type="multipart/form-data; boundary=BoUnDaRy",
        **{"CONTENT_LENGTH": str(length), "wsgi.input": body},
    )
    return response, body.reads


@pytest.mark.parametrize("length", [3 * MB + 1, 200 * MB], ids=["one byte over", "200 MB"])
def test_a_request_over_the_limit_is_refused_before_its_body_is_read(client, ward, ward_official, length):
    case = CaseFactory(unit=ward)
    client.force_login(ward_official)
    response, reads = post_declaring(
        client, reverse("cases:attachment_upload_case", kwargs={"case_pk": case.pk}), length
    )
    assert response.status_code == 413 and reads == 0
    page = response.content.decode()
    assert "413" in page and "3 MB" in page and "2 MB" in page  # the request limit and the file limits
    assert not Attachment.objects.exists()


def test_an_anonymous_request_over_the_limit_is_refused_too(client):
    response, reads = post_declaring(client, reverse("accounts:login"), 200 * MB)
    assert response.status_code == 413 and reads == 0


def test_a_request_at_the_limit_reaches_the_view(client, ward, ward_official):
    """Declared at exactly the limit, the request passes the middleware and the view reads it (finding it empty,
    the form asks for the file)."""
    case = CaseFactory(unit=ward)
    client.force_login(ward_official)
    response, reads = post_declaring(
        client, reverse("cases:attachment_upload_case", kwargs={"case_pk": case.pk}), 3 * MB
    )
    assert response.status_code == 200 and reads > 0 and "file" in response.context["form"].errors


def test_a_normal_upload_still_works(client, ward, ward_official):
    case = CaseFactory(unit=ward)
    client.force_login(ward_official)
    response = client.post(
        reverse("cases:attachment_upload_case", kwargs={"case_pk": case.pk}),
        {"file": SimpleUploadedFile("bien-ban.pdf", PDF + b"\x00" * MB), "description": "Biên bản"},
    )
    assert response.status_code == 302 and case.attachments.count() == 1
