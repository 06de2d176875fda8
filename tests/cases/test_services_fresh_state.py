"""A service checks the record as it is now, not as the page that called it loaded it (issue #14, lost updates).

Each test loads a record, lets someone else change it, then calls the service with the object loaded earlier, as
a second browser tab would. (tests/cases/test_concurrency.py runs the same kind of race in two threads at once.)
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.attachments import attachment_add
from cases.models import Case, Letter
from tests.factories import CaseFactory, LetterFactory, field

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_letter_handled_in_another_tab_is_not_classified_again(ward, letter_clerk):
    letter = LetterFactory(unit=ward, created_by=letter_clerk)
    services.letter_classify(user=letter_clerk, letter=letter, content="feedback", field=field(), is_processable=True)
    stale = Letter.objects.get(pk=letter.pk)
    services.letter_dispose(
        user=letter_clerk, letter=letter, disposition="guided", on=letter.received_on, competent_body="Tòa án"
    )
    with pytest.raises(ValidationError):
        services.letter_classify(
            user=letter_clerk, letter=stale, content="complaint", field=field(), is_processable=True
        )
    letter.refresh_from_db()
    assert (letter.disposition, letter.content) == ("guided", "feedback")


def test_a_move_made_in_another_tab_survives_an_assignment(ward, ward_official):
    case = CaseFactory(unit=ward)
    stale = Case.objects.get(pk=case.pk)
    services.case_transition(user=ward_official, case=case, move="classify")
    services.case_assign(user=ward_official, case=stale, handler=ward_official)
    case.refresh_from_db()
    assert (case.status, case.handler) == ("classified", ward_official)


def test_a_case_is_voided_once(ward, ward_official):
    case = CaseFactory(unit=ward)
    stale = Case.objects.get(pk=case.pk)
    services.case_void(user=ward_official, case=case, reason="Nhập trùng")
    with pytest.raises(ValidationError):
        services.case_void(user=ward_official, case=stale, reason="Lý do khác")
    case.refresh_from_db()
    assert case.void_reason == "Nhập trùng"
    assert case.events.filter(kind="voided").count() == 1


def test_two_cases_are_never_merged_into_each_other(ward, ward_official):
    first, second = CaseFactory(unit=ward), CaseFactory(unit=ward)
    stale_first, stale_second = Case.objects.get(pk=first.pk), Case.objects.get(pk=second.pk)
    services.case_merge(user=ward_official, duplicate=first, into=second)
    with pytest.raises(ValidationError):
        services.case_merge(user=ward_official, duplicate=stale_second, into=stale_first)
    second.refresh_from_db()
    assert second.merged_into_id is None


def test_no_document_is_added_to_a_case_voided_in_another_tab(ward, ward_official, settings, tmp_path):
    settings.MEDIA_ROOT, settings.CLAMAV_URL = tmp_path / "media", ""
    case = CaseFactory(unit=ward)
    stale = Case.objects.get(pk=case.pk)
    services.case_void(user=ward_official, case=case, reason="Nhập trùng")
    with pytest.raises(ValidationError):
        attachment_add(user=ward_official, case=stale, upload=SimpleUploadedFile("bien-ban.pdf", PDF))
    assert not case.attachments.exists()
