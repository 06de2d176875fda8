"""Internal notes on cases and letters (issue #17, part 3): written by whoever changes the record or records its
decisions, listed newest first to whoever sees it, kept with their history, never deleted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import services
from cases.models import Note
from tests.factories import CaseFactory, LetterFactory


def test_notes_on_a_case_are_added_and_listed_newest_first_with_their_author(client, ward, ward_official):
    case = CaseFactory(unit=ward)
    client.force_login(ward_official)
    url = reverse("cases:case_note_add", args=[case.pk])
    assert client.post(url, {"text": "Đã gọi điện cho người khiếu nại."}).status_code == 302
    assert client.post(url, {"text": "Hẹn đối thoại sáng thứ Hai."}).status_code == 302
    notes = list(Note.objects.filter(case=case))
    assert [note.text for note in notes] == ["Hẹn đối thoại sáng thứ Hai.", "Đã gọi điện cho người khiếu nại."]
    assert {note.author for note in notes} == {ward_official} and {note.unit for note in notes} == {ward}
    page = client.get(case.get_absolute_url())
    assert page.context["notes"] == notes
    html = page.content.decode()
    assert html.index("Hẹn đối thoại sáng thứ Hai.") < html.index("Đã gọi điện cho người khiếu nại.")


def test_an_empty_note_is_refused_and_nothing_is_saved(client, ward, ward_official):
    case = CaseFactory(unit=ward)
    with pytest.raises(ValidationError) as refused:
        services.note_add(user=ward_official, case=case, text="   ")
    assert set(refused.value.message_dict) == {"text"}
    client.force_login(ward_official)
    client.post(reverse("cases:case_note_add", args=[case.pk]), {"text": ""})
    assert not Note.objects.exists()


def test_a_note_on_a_letter_is_seen_by_a_reviewer_of_the_unit(client, ward, ward_official, district_reviewer):
    letter = LetterFactory(unit=ward)
    client.force_login(ward_official)
    client.post(reverse("cases:letter_note_add", args=[letter.pk]), {"text": "Chờ bổ sung bản sao sổ đỏ."})
    note = Note.objects.get(letter=letter)
    client.force_login(district_reviewer)
    page = client.get(letter.get_absolute_url())
    assert page.context["notes"] == [note]
    assert "Chờ bổ sung bản sao sổ đỏ." in page.content.decode()
    # The reviewer records decisions for the ward, so writes notes on its records too.
    assert page.context["can_write_notes"]
    services.note_add(user=district_reviewer, letter=letter, text="Đã xem.")
    assert Note.objects.filter(letter=letter).count() == 2


def test_another_ward_gets_404_and_the_service_refuses(client, ward, ward_official, other_ward_official):
    case, letter = CaseFactory(unit=ward), LetterFactory(unit=ward)
    services.note_add(user=ward_official, case=case, text="Ghi chú nội bộ của phường.")
    client.force_login(other_ward_official)
    assert client.post(reverse("cases:case_note_add", args=[case.pk]), {"text": "x"}).status_code == 404
    assert client.post(reverse("cases:letter_note_add", args=[letter.pk]), {"text": "x"}).status_code == 404
    assert client.get(case.get_absolute_url()).status_code == 404
    with pytest.raises(PermissionDenied):
        services.note_add(user=other_ward_official, case=case, text="x")
    assert Note.objects.count() == 1


def test_one_who_only_reads_sees_notes_but_cannot_write_them(client, ward, ward_official, steering_member):
    case = CaseFactory(unit=ward)
    services.note_add(user=ward_official, case=case, text="Ghi chú nội bộ của phường.")
    client.force_login(steering_member)
    page = client.get(case.get_absolute_url())
    assert "Ghi chú nội bộ của phường." in page.content.decode()
    assert not page.context["can_write_notes"]
    assert reverse("cases:case_note_add", args=[case.pk]) not in page.content.decode()
    assert client.post(reverse("cases:case_note_add", args=[case.pk]), {"text": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.note_add(user=steering_member, case=case, text="x")
    assert Note.objects.count() == 1


def test_a_note_on_a_denunciation_is_shown_like_the_rest_of_the_page(client, ward, ward_official):
    case = CaseFactory(unit=ward, kind="denunciation")
    services.note_add(user=ward_official, case=case, text="Đã chuyển hồ sơ cho tổ xác minh.")
    client.force_login(ward_official)
    assert "Đã chuyển hồ sơ cho tổ xác minh." in client.get(case.get_absolute_url()).content.decode()


def test_a_note_keeps_its_history(ward, ward_official):
    note = services.note_add(user=ward_official, case=CaseFactory(unit=ward), text="Bản đầu.")
    entry = note.history.get()
    assert (entry.history_type, entry.history_user, entry.text) == ("+", ward_official, "Bản đầu.")


def test_a_note_belongs_to_exactly_one_record(ward, ward_official):
    with pytest.raises(ValueError):
        services.note_add(user=ward_official, text="x")
    with pytest.raises(ValueError):
        services.note_add(user=ward_official, text="x", case=CaseFactory(unit=ward), letter=LetterFactory(unit=ward))
