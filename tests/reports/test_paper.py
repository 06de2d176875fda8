"""What the signed paper carries besides the figures (issue #16): "Nơi nhận" filled from the committee above, the
steering committee and the file copy, editable before export, and the signer's full name under the signature."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from reports import services
from reports.exports import default_recipients, report_docx
from tests.reports.test_exports import _all_text, _report


@pytest.fixture
def report(ward):
    return _report(ward)


def docx_text(report, **kwargs) -> str:
    return _all_text(Document(io.BytesIO(report_docx(report, **kwargs))))


def test_the_usual_recipients_are_the_committee_above_the_steering_committee_and_the_file_copy(report, city):
    party = default_recipients(report, state_format=False)
    assert party[-1] == "- Lưu Văn phòng." and len(party) == 3
    assert "Ban Chỉ đạo" in party[1] and city.name.split()[-1] in party[1]
    state = default_recipients(report, state_format=True)
    assert state[0].startswith("- UBND ") and state[-1] == "- Lưu: VT."
    text = docx_text(report, state_format=False)
    assert all(line in text for line in party)
    assert "(Họ và tên người ký)" in text  # a line to write the name on


def test_the_committee_sets_the_recipients_and_the_signer_before_exporting(client, report, ward_official):
    client.force_login(ward_official)
    url = reverse("reports:report_paper", args=[report.pk])
    form = client.get(url).context["form"]
    assert form.initial["recipients"].splitlines() == default_recipients(report, state_format=False)
    response = client.post(
        url,
        {
            "recipients": "- Thành ủy Hà Nội (để báo cáo),\n\n  - Lưu Văn phòng Đảng ủy.  ",
            "signer_name": " Nguyễn  Văn An ",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.recipients == "- Thành ủy Hà Nội (để báo cáo),\n- Lưu Văn phòng Đảng ủy."
    assert report.signer_name == "Nguyễn Văn An"
    assert report.history.latest().history_user == ward_official
    text = docx_text(report, state_format=True)
    assert "- Lưu Văn phòng Đảng ủy." in text and "Nguyễn Văn An" in text and "(Họ và tên người ký)" not in text


def test_too_many_recipients_are_refused_and_nothing_is_saved(report, ward_official):
    with pytest.raises(ValidationError) as error:
        services.report_set_paper(
            user=ward_official, report=report, recipients="\n".join(f"- Nơi {n}" for n in range(21)), signer_name="A"
        )
    assert "recipients" in error.value.error_dict
    report.refresh_from_db()
    assert (report.recipients, report.signer_name) == ("", "")


def test_another_ward_cannot_open_or_change_the_paper(client, report, other_ward_official):
    client.force_login(other_ward_official)
    url = reverse("reports:report_paper", args=[report.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"recipients": "- X", "signer_name": "X"}).status_code == 404
    report.refresh_from_db()
    assert report.signer_name == ""
