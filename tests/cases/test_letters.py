from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import PersonalDataAccess
from cases import services
from cases.models import Case, Letter
from tests.factories import CaseFactory, CitizenFactory, field


def today():
    return timezone.localdate()


def d(day) -> str:
    return day.strftime("%d/%m/%Y")


def letter_post(**overrides):
    data = {
        "received_on": d(today() - timedelta(days=3)),
        "channel": "post",
        "transferred_from": "",
        "signers_count": "1",
        "title": "Đơn đề nghị",
        "summary": "Khiếu nại quyết định thu hồi đất nông nghiệp của gia đình",
        "content": "",
        "field": "",
        "missing_element": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def receive(unit, user, **fields):
    """A letter registered through the service (and classified on registration when `content` is given)."""
    classification = {
        key: fields.pop(key)
        for key in ("content", "is_processable", "missing_element", "within_competence")
        if key in fields
    }
    fields.setdefault("received_on", today() - timedelta(days=5))
    fields.setdefault("channel", "post")
    fields.setdefault("summary", "Khiếu nại quyết định thu hồi đất")
    if "sender" not in fields and not fields.get("is_anonymous"):
        fields["sender"] = CitizenFactory(unit=unit)
    if classification:
        classification.setdefault("is_processable", True)
        classification.setdefault("within_competence", True)
        classification["field"] = field()
    return services.letter_receive(user=user, unit=unit, **fields, **classification)


def dispose(client, letter, **data):
    data.setdefault("on", d(today()))
    return client.post(reverse("cases:letter_dispose", args=[letter.pk]), data)


def test_a_letter_is_registered_classified_and_opens_a_case_with_its_intake_deadline(client, ward, letter_clerk):
    citizen = CitizenFactory(unit=ward, full_name="Trần Thị Bình")
    client.force_login(letter_clerk)
    response = client.post(reverse("cases:letter_create"), letter_post(unit=ward.pk, citizen=citizen.pk))
    letter = Letter.objects.get()
    assert response.status_code == 302 and response.url == letter.get_absolute_url()
    assert (letter.sender, letter.unit, letter.created_by) == (citizen, ward, letter_clerk)
    assert letter.number == f"1/{letter.received_on.year}"

    response = client.post(
        reverse("cases:letter_classify", args=[letter.pk]),
        {"content": "complaint", "field": field().pk, "is_processable": "True", "within_competence": "True"},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.content, letter.is_processable, letter.within_competence) == ("complaint", True, True)

    response = dispose(client, letter, disposition="case")
    assert response.status_code == 302
    letter.refresh_from_db()
    case = Case.objects.get()
    assert letter.case == case and letter.disposition == "case" and letter.disposed_on == today()
    assert (case.kind, case.complainant, case.unit) == ("complaint", citizen, ward)
    assert case.deadlines.count() == 1 and case.due_on is not None

    page = client.get(letter.get_absolute_url())
    assert case.get_absolute_url() in page.content.decode()
    assert reverse("cases:attachment_upload_letter", kwargs={"letter_pk": letter.pk}) in page.content.decode()
    assert page.context["dispose_form"] is None and page.context["classify_form"] is None

    response = client.post(
        reverse("cases:letter_classify", args=[letter.pk]),
        {"content": "denunciation", "field": field().pk, "is_processable": "True"},
    )
    assert response.status_code == 200 and response.context["classify_form"].non_field_errors()
    letter.refresh_from_db()
    assert letter.content == "complaint"
    assert dispose(client, letter, disposition="archived", archive_reason="duplicate").status_code == 200
    assert Letter.objects.get().disposition == "case"


def test_a_letter_can_be_classified_on_registration_and_nothing_is_saved_on_error(client, ward, ward_official):
    citizen = CitizenFactory(unit=ward)
    client.force_login(ward_official)
    url = reverse("cases:letter_create")

    response = client.post(url, letter_post(unit=ward.pk))
    assert response.status_code == 200 and "citizen" in response.context["form"].errors

    response = client.post(
        url,
        letter_post(unit=ward.pk, citizen=citizen.pk, content="complaint", field=field().pk, is_processable="False"),
    )
    assert response.status_code == 200
    assert "missing_element" in response.context["form"].errors
    assert not Letter.objects.exists()

    response = client.post(
        url,
        letter_post(
            unit=ward.pk,
            citizen=citizen.pk,
            content="feedback",
            field=field().pk,
            is_processable="True",
            within_competence="",
        ),
    )
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert (letter.content, letter.is_processable, letter.within_competence) == ("feedback", True, None)


def test_registration_refuses_bad_input_next_to_the_fields(client, ward, other_ward, ward_official):
    client.force_login(ward_official)
    url = reverse("cases:letter_create")
    outsider = CitizenFactory(unit=other_ward)
    mine = CitizenFactory(unit=ward)
    errors = client.post(url, letter_post(unit=ward.pk, citizen=outsider.pk)).context["form"].errors
    assert "citizen" in errors
    errors = client.post(url, letter_post(unit=ward.pk, citizen=mine.pk, is_anonymous="on")).context["form"].errors
    assert "citizen" in errors
    errors = (
        client.post(url, letter_post(unit=ward.pk, citizen=mine.pk, received_on=d(today() + timedelta(days=1))))
        .context["form"]
        .errors
    )
    assert "received_on" in errors
    errors = client.post(url, letter_post(unit=ward.pk, citizen=mine.pk, channel="transferred")).context["form"].errors
    assert "transferred_from" in errors
    errors = client.post(url, letter_post(unit=other_ward.pk, citizen=mine.pk)).context["form"].errors
    assert "unit" in errors
    errors = client.post(url, letter_post(unit=ward.pk, citizen=mine.pk, signers_count="0")).context["form"].errors
    assert "signers_count" in errors
    assert not Letter.objects.exists()


def test_the_unit_list_of_the_letter_form_is_scoped(client, ward, other_ward, ward_official):
    client.force_login(ward_official)
    form = client.get(reverse("cases:letter_create")).context["form"]
    assert list(form.fields["unit"].queryset) == [ward]
    assert other_ward.name not in client.get(reverse("cases:letter_create")).content.decode()


def test_an_anonymous_complaint_cannot_become_a_case(client, ward, letter_clerk):
    client.force_login(letter_clerk)
    response = client.post(reverse("cases:letter_create"), letter_post(unit=ward.pk, is_anonymous="on"))
    letter = Letter.objects.get()
    assert response.status_code == 302 and letter.is_anonymous and letter.sender is None
    services.letter_classify(user=letter_clerk, letter=letter, content="complaint", field=field(), is_processable=True)

    response = dispose(client, letter, disposition="case")
    assert response.status_code == 200
    assert "disposition" in response.context["dispose_form"].errors
    letter.refresh_from_db()
    assert letter.disposition == "" and not Case.objects.exists()

    response = dispose(client, letter, disposition="archived", archive_reason="anonymous")
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.disposition == "archived" and letter.archive_reason == "anonymous"


def test_an_anonymous_denunciation_can_become_a_case(client, ward, ward_official):
    letter = receive(ward, ward_official, is_anonymous=True, content="denunciation")
    client.force_login(ward_official)
    assert dispose(client, letter, disposition="case").status_code == 302
    assert Case.objects.get().kind == "denunciation"


def test_an_unprocessable_letter_needs_what_is_missing_and_cannot_become_a_case(client, ward, letter_clerk):
    letter = receive(ward, letter_clerk)
    client.force_login(letter_clerk)
    url = reverse("cases:letter_classify", args=[letter.pk])
    response = client.post(url, {"content": "complaint", "field": field().pk, "is_processable": "False"})
    assert response.status_code == 200
    assert "missing_element" in response.context["classify_form"].errors
    letter.refresh_from_db()
    assert letter.content == ""

    response = client.post(
        url, {"content": "complaint", "field": field().pk, "is_processable": "False", "missing_element": "Không ký tên"}
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.is_processable, letter.missing_element) == (False, "Không ký tên")

    response = dispose(client, letter, disposition="case")
    assert "disposition" in response.context["dispose_form"].errors
    assert not Case.objects.exists()


def test_a_classification_needs_the_content_the_field_and_whether_it_is_processable(client, ward, ward_official):
    letter = receive(ward, ward_official)
    client.force_login(ward_official)
    response = client.post(reverse("cases:letter_classify", args=[letter.pk]), {})
    assert {"content", "field", "is_processable"} <= set(response.context["classify_form"].errors)


def test_archiving_keeps_the_letter_one_year(client, ward, ward_official):
    letter = receive(ward, ward_official, content="feedback", received_on=today() - timedelta(days=40))
    on = today() - timedelta(days=30)
    client.force_login(ward_official)
    response = dispose(client, letter, disposition="archived", on=d(on))
    assert "archive_reason" in response.context["dispose_form"].errors

    response = dispose(client, letter, disposition="archived", archive_reason="duplicate", on=d(on))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.disposed_on == on
    assert letter.retain_until == on.replace(year=on.year + 1)
    assert letter.retain_until.strftime("%d/%m/%Y") in client.get(letter.get_absolute_url()).content.decode()


@pytest.mark.parametrize("disposition", ["guided", "transferred", "urged"])
def test_guiding_transferring_or_urging_needs_the_competent_body(client, ward, ward_official, disposition):
    letter = receive(ward, ward_official, content="complaint", within_competence=False)
    client.force_login(ward_official)
    response = dispose(client, letter, disposition=disposition, competent_body="  ")
    assert "competent_body" in response.context["dispose_form"].errors
    letter.refresh_from_db()
    assert letter.disposition == ""

    response = dispose(client, letter, disposition=disposition, competent_body="UBND phường Ba Đình")
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.disposition, letter.competent_body) == (disposition, "UBND phường Ba Đình")


def test_the_handling_date_lies_between_receipt_and_today(client, ward, ward_official):
    letter = receive(ward, ward_official, content="feedback", within_competence=False)
    client.force_login(ward_official)
    for on in (letter.received_on - timedelta(days=1), today() + timedelta(days=1)):
        response = dispose(client, letter, disposition="guided", competent_body="Tòa án", on=d(on))
        assert "on" in response.context["dispose_form"].errors


def test_a_letter_must_be_classified_before_it_is_handled(client, ward, ward_official):
    letter = receive(ward, ward_official)
    client.force_login(ward_official)
    page = client.get(letter.get_absolute_url())
    assert page.context["dispose_form"] is None and page.context["classify_form"] is not None
    response = dispose(client, letter, disposition="guided", competent_body="Tòa án")
    assert response.status_code == 200 and response.context["dispose_form"].non_field_errors()


def test_a_second_letter_on_the_same_matter_joins_the_existing_case(client, ward, ward_official):
    citizen = CitizenFactory(unit=ward)
    first = receive(ward, ward_official, sender=citizen, content="complaint")
    second = receive(ward, ward_official, sender=citizen, content="complaint")
    client.force_login(ward_official)
    dispose(client, first, disposition="case")
    case = Case.objects.get()

    form = client.get(second.get_absolute_url()).context["dispose_form"]
    assert list(form.fields["case"].queryset) == [case]
    response = dispose(client, second, disposition="join")
    assert "case" in response.context["dispose_form"].errors

    response = dispose(client, second, disposition="join", case=case.pk)
    assert response.status_code == 302
    assert Case.objects.count() == 1
    assert case.letters.count() == 2
    second.refresh_from_db()
    assert second.disposition == "case" and second.case == case


def test_only_open_cases_of_the_letters_unit_can_be_joined(client, ward, other_ward, ward_official):
    letter = receive(ward, ward_official, content="complaint")
    elsewhere = CaseFactory(unit=other_ward)
    closed = CaseFactory(unit=ward, status="closed")
    client.force_login(ward_official)
    for case in (elsewhere, closed):
        response = dispose(client, letter, disposition="join", case=case.pk)
        assert "case" in response.context["dispose_form"].errors
    letter.refresh_from_db()
    assert letter.case is None


def test_a_letter_with_several_contents_says_which_kind_of_case_it_opens(client, ward, letter_clerk):
    letter = receive(ward, letter_clerk, content="multiple")
    client.force_login(letter_clerk)
    assert "kind" in dispose(client, letter, disposition="case").context["dispose_form"].errors
    logged = PersonalDataAccess.objects.count()  # the page shown again with the error logged its view
    assert dispose(client, letter, disposition="case", kind="recommendation").status_code == 302
    assert Case.objects.get().kind == "recommendation"
    # Its sender, protected on the letter, is now shown on a recommendation: the unmasking is logged.
    unmasking = PersonalDataAccess.objects.order_by("pk")[logged:].get()
    assert unmasking.user == letter_clerk and letter.number in unmasking.record


def test_a_letter_with_several_contents_opens_only_a_denunciation_for_an_official_without_the_right(
    client, ward, ward_official
):
    citizen = CitizenFactory(unit=ward, full_name="Hoàng Văn Tố")
    letter = receive(ward, ward_official, sender=citizen, content="multiple")
    client.force_login(ward_official)
    response = dispose(client, letter, disposition="case", kind="recommendation")
    assert response.status_code == 200 and "kind" in response.context["dispose_form"].errors
    with pytest.raises(ValidationError) as error:
        services.letter_dispose(user=ward_official, letter=letter, disposition="case", on=today(), kind="complaint")
    assert "kind" in error.value.error_dict and not Case.objects.exists()

    assert dispose(client, letter, disposition="case", kind="denunciation").status_code == 302
    case = Case.objects.get()
    assert case.kind == "denunciation" and "Hoàng Văn Tố" not in client.get(case.get_absolute_url()).content.decode()


def test_a_denouncers_name_is_masked_for_a_ward_official_and_shown_and_logged_for_the_reviewer(
    client, ward, ward_official, district_reviewer
):
    citizen = CitizenFactory(unit=ward, full_name="Hoàng Văn Tố")
    letter = receive(ward, ward_official, sender=citizen, content="denunciation")
    receive(ward, ward_official, is_anonymous=True, content="complaint")
    client.force_login(ward_official)
    for url in (reverse("cases:letter_list"), letter.get_absolute_url()):
        content = client.get(url).content.decode()
        assert "Hoàng Văn Tố" not in content
        assert "Bảo mật (người tố cáo)" in content
    assert not PersonalDataAccess.objects.exists()

    client.force_login(district_reviewer)
    assert "Hoàng Văn Tố" in client.get(letter.get_absolute_url()).content.decode()
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.unit, log.path) == (district_reviewer, ward, letter.get_absolute_url())
    page = client.get(letter.get_absolute_url())
    assert page.context["classify_form"] is None, "a reviewer may view but not handle letters"

    assert "Hoàng Văn Tố" in client.get(reverse("cases:letter_list")).content.decode()
    assert PersonalDataAccess.objects.filter(user=district_reviewer).count() == 3


def test_another_ward_cannot_see_or_handle_the_letter(client, ward, ward_official, other_ward_official):
    letter = receive(ward, ward_official, content="complaint")
    client.force_login(other_ward_official)
    assert client.get(letter.get_absolute_url()).status_code == 404
    assert client.post(reverse("cases:letter_classify", args=[letter.pk]), {"content": "feedback"}).status_code == 404
    assert dispose(client, letter, disposition="archived", archive_reason="duplicate").status_code == 404
    assert letter.number not in client.get(reverse("cases:letter_list")).content.decode()
    letter.refresh_from_db()
    assert letter.content == "complaint" and letter.disposition == ""


def test_a_reviewer_cannot_handle_a_letter(client, ward, ward_official, district_reviewer):
    letter = receive(ward, ward_official, content="complaint")
    client.force_login(district_reviewer)
    assert dispose(client, letter, disposition="archived", archive_reason="duplicate").status_code == 404


def test_the_list_filters_letters_not_handled_yet(client, ward, ward_official):
    waiting = receive(ward, ward_official, content="complaint")
    handled = receive(ward, ward_official, content="feedback")
    services.letter_dispose(
        user=ward_official, letter=handled, disposition="guided", on=today(), competent_body="Tòa án"
    )
    client.force_login(ward_official)
    response = client.get(reverse("cases:letter_list"), {"disposition": "none"})
    assert list(response.context["object_list"]) == [waiting]


def test_letter_list_costs_the_same_queries_for_1_or_30_letters(
    client, ward, ward_official, django_assert_max_num_queries
):
    def add_letter():
        letter = receive(ward, ward_official, content="denunciation")
        services.letter_dispose(user=ward_official, letter=letter, disposition="case", on=today())

    client.force_login(ward_official)
    add_letter()
    with django_assert_max_num_queries(12) as first:
        client.get(reverse("cases:letter_list"))
    for _ in range(29):
        add_letter()
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("cases:letter_list"))
    assert response.context["paginator"].count == 30
