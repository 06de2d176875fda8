"""A letter registered to be classified later may be a denunciation: its sender stays masked until someone who may
see identities classifies it as something else (issue #15, "Letters not yet classified"). Whoever registers a letter
already classified knows what it says, so a complaint registered as such is never protected.

The rule: cases.models.CONFIDENTIAL_CONTENTS (the empty classification among them), enforced by
accounts.confidentiality.check_unprotecting in cases.services.letter_classify and by the letters importer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.confidentiality import UNPROTECTING_REFUSED
from accounts.models import PersonalDataAccess
from cases import services
from cases.models import Letter
from tests.factories import CitizenFactory, field
from tests.imports_helpers import errors_of, preview, run, xlsx

NAME = "Khổng Thị Huyền Trân"
FOLDED = "khong thi huyen tran"
NATIONAL_ID = "079184000573"


@pytest.fixture
def sender(ward):
    return CitizenFactory(unit=ward, full_name=NAME, national_id=NATIONAL_ID)


@pytest.fixture
def unclassified(ward, ward_official, sender):
    """A letter whose summary says it denounces, registered by a ward official to be classified later."""
    return services.letter_receive(
        user=ward_official,
        unit=ward,
        received_on=timezone.localdate() - timedelta(days=2),
        channel="post",
        sender=sender,
        summary="Đơn tố cáo cán bộ địa chính nhận tiền",
    )


def shows_sender(response) -> bool:
    text = response.content.decode()
    return NAME in text or NATIONAL_ID in text


def test_an_unclassified_letter_masks_its_sender_on_its_page_in_the_list_and_in_search(
    client, ward_official, unclassified
):
    assert unclassified.is_confidential
    client.force_login(ward_official)
    assert not shows_sender(client.get(unclassified.get_absolute_url()))
    assert not shows_sender(client.get(reverse("cases:letter_list")))
    for query in (NAME, FOLDED, NATIONAL_ID):  # the search box echoes the query: look for the letter instead
        response = client.get(reverse("cases:letter_list"), {"q": query})
        assert unclassified.get_absolute_url() not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_the_official_who_may_see_identities_sees_the_sender_and_the_view_is_logged(client, letter_clerk, unclassified):
    client.force_login(letter_clerk)
    assert shows_sender(client.get(unclassified.get_absolute_url()))
    logged = PersonalDataAccess.objects.get()
    assert logged.user == letter_clerk and NAME not in logged.record and unclassified.number in logged.record


def test_an_official_without_the_right_may_classify_it_only_as_a_possible_denunciation(
    client, ward_official, unclassified
):
    client.force_login(ward_official)
    form = client.get(unclassified.get_absolute_url()).context["classify_form"]
    assert {value for value, _label in form.fields["content"].choices} == {"denunciation", "multiple"}

    url = reverse("cases:letter_classify", args=[unclassified.pk])
    response = client.post(url, {"content": "complaint", "field": field().pk, "is_processable": "True"})
    assert response.status_code == 200 and "content" in response.context["classify_form"].errors
    assert Letter.objects.get(pk=unclassified.pk).content == ""

    # Straight to the service, past the form: refused all the same, nothing saved.
    with pytest.raises(services.ValidationError):
        services.letter_classify(
            user=ward_official, letter=unclassified, content="feedback", field=field(), is_processable=True
        )
    assert Letter.objects.get(pk=unclassified.pk).content == ""

    response = client.post(url, {"content": "denunciation", "field": field().pk, "is_processable": "True"})
    assert response.status_code == 302 and Letter.objects.get(pk=unclassified.pk).content == "denunciation"
    assert not shows_sender(client.get(unclassified.get_absolute_url()))
    assert not PersonalDataAccess.objects.exists()


def test_classified_as_a_complaint_by_the_right_holder_the_sender_is_shown_to_all_and_the_unmasking_logged(
    client, ward_official, letter_clerk, unclassified
):
    client.force_login(letter_clerk)
    response = client.post(
        reverse("cases:letter_classify", args=[unclassified.pk]),
        {"content": "complaint", "field": field().pk, "is_processable": "True", "within_competence": "True"},
    )
    assert response.status_code == 302
    logged = PersonalDataAccess.objects.get(user=letter_clerk)
    assert unclassified.number in logged.record and NAME not in logged.record
    client.force_login(ward_official)
    assert shows_sender(client.get(unclassified.get_absolute_url()))


def test_a_letter_registered_already_classified_as_a_complaint_is_not_protected(client, ward, ward_official, sender):
    client.force_login(ward_official)
    response = client.post(
        reverse("cases:letter_create"),
        {
            "unit": ward.pk,
            "citizen": sender.pk,
            "received_on": (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y"),
            "channel": "post",
            "signers_count": "1",
            "summary": "Khiếu nại quyết định thu hồi đất",
            "content": "complaint",
            "field": field().pk,
            "is_processable": "True",
            "within_competence": "True",
        },
    )
    letter = Letter.objects.get()
    assert response.status_code == 302 and letter.content == "complaint" and not letter.is_confidential
    assert shows_sender(client.get(letter.get_absolute_url()))


COLUMNS = ["Số đơn", "Ngày nhận", "Nguồn", "CCCD", "Nội dung", "Phân loại", "Lĩnh vực", "Đủ điều kiện xử lý"]


def reimport(unclassified, sender):
    received = unclassified.received_on.strftime("%d/%m/%Y")
    row = [unclassified.number, received, "Bưu điện", NATIONAL_ID, unclassified.summary, "Khiếu nại", "Đất đai", "có"]
    return xlsx(COLUMNS, [row])


def test_an_import_does_not_classify_it_as_a_complaint_without_the_right(ward, ward_official, unclassified, sender):
    batch = preview(user=ward_official, unit=ward, kind="letters", upload=reimport(unclassified, sender))
    assert [message for _row, _column, message in errors_of(batch)] == [str(UNPROTECTING_REFUSED)]
    assert Letter.objects.get(pk=unclassified.pk).content == ""


def test_an_import_by_the_right_holder_classifies_it_and_logs_the_unmasking(ward, letter_clerk, unclassified, sender):
    batch = run(user=letter_clerk, unit=ward, kind="letters", upload=reimport(unclassified, sender))
    assert batch.error_count == 0, batch.report
    assert Letter.objects.get(pk=unclassified.pk).content == "complaint"
    logged = PersonalDataAccess.objects.get(user=letter_clerk)
    assert unclassified.number in logged.record and str(batch.pk) in logged.path
