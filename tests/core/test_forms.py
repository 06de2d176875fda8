"""core.forms: the one form that asks for the reason for voiding, and every voiding view that uses it."""

import pytest
from django.urls import reverse

from core.forms import VoidReasonForm


def test_a_void_reason_is_required_stripped_and_asked_for_in_vietnamese():
    form = VoidReasonForm({"reason": "  Nhập trùng  "})
    assert form.is_valid() and form.cleaned_data["reason"] == "Nhập trùng"
    assert str(form.fields["reason"].label) == "Lý do hủy"
    for blank in ({}, {"reason": ""}, {"reason": " \n\t "}):
        form = VoidReasonForm(blank)
        assert not form.is_valid()
        assert form.errors["reason"] == ["Đề nghị ghi rõ lý do hủy."]


def test_a_void_reason_is_no_longer_than_the_record_keeps():
    assert not VoidReasonForm({"reason": "x" * 1001}).is_valid()
    assert VoidReasonForm({"reason": "x" * 1000}).is_valid()
    short = VoidReasonForm({"reason": "x" * 101}, max_length=100)
    assert not short.is_valid() and "100" in short.errors["reason"][0]
    assert VoidReasonForm(max_length=100).fields["reason"].widget.attrs["maxlength"] == "100"


def test_every_voiding_asks_with_the_one_form():
    import citizens.views
    import imports.views
    from cases.views import CaseVoidView

    assert CaseVoidView.form_class is VoidReasonForm
    assert citizens.views.VoidReasonForm is VoidReasonForm
    assert imports.views.VoidReasonForm is VoidReasonForm
    assert not hasattr(imports.views, "VoidForm")


@pytest.mark.parametrize("reason", ["", "   "])
def test_voiding_a_case_without_a_reason_says_what_is_missing(client, ward, ward_official, reason):
    from cases.models import Case
    from tests.factories import CaseFactory

    case = CaseFactory(unit=ward)
    client.force_login(ward_official)
    response = client.post(reverse("cases:case_void", kwargs={"pk": case.pk}), {"reason": reason}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Lý do hủy: Đề nghị ghi rõ lý do hủy."]
    assert not Case.objects.get(pk=case.pk).is_void


def test_voiding_a_document_refuses_a_reason_longer_than_its_history_keeps(client, ward, ward_official, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.attachments import attachment_add
    from cases.models import Attachment
    from tests.factories import CaseFactory

    settings.CLAMAV_URL = ""
    attachment = attachment_add(
        user=ward_official,
        case=CaseFactory(unit=ward),
        letter=None,
        upload=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    client.force_login(ward_official)
    url = reverse("cases:attachment_void", kwargs={"pk": attachment.pk})
    client.post(url, {"reason": "x" * 101})
    client.post(url, {"reason": "   "})
    assert not Attachment.objects.get(pk=attachment.pk).is_void
    client.post(url, {"reason": " Tải nhầm tệp "})
    assert Attachment.objects.get(pk=attachment.pk).is_void
