"""Nothing kept past its time (issue #15; Decree 13/2023/NĐ-CP): records past their retention period are listed
for a committee, approved for disposal, anonymised with their statistics kept, and logged; held ones are not
listed. The rules: retention.selectors (what is listed), retention.services and retention.anonymise."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import PersonalDataAccess
from accounts.roles import Role
from cases.models import Letter
from citizens.models import Citizen, Visit
from reports import services as report_services
from reports.models import Report
from retention import services
from retention.models import DisposedRecord, RecordKind, RetentionHold, RetentionRule
from retention.selectors import past_period
from tests.factories import (
    CaseFactory,
    CitizenFactory,
    LetterFactory,
    ReceptionSessionFactory,
    VisitFactory,
    user_with_role,
)

NAME = "Khổng Thị Huyền Trân"
NATIONAL_ID = "079184000573"


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def person(old_ward):
    return CitizenFactory(unit=old_ward, full_name=NAME, national_id=NATIONAL_ID, address="Số 7 ngõ Trạm")


def archived_letter(unit, person, kept_until: date, **extra) -> Letter:
    """An archived letter whose one-year period ends on `kept_until`."""
    archived = kept_until.replace(year=kept_until.year - 1)
    return LetterFactory(
        unit=unit,
        sender=person,
        is_anonymous=False,
        received_on=archived - timedelta(days=2),
        summary=f"Đơn của {NAME} về lối đi chung",
        content="recommendation",
        disposition="archived",
        archive_reason="duplicate",
        disposed_on=archived,
        **extra,
    )


def listed(user, kind=RecordKind.ARCHIVED_LETTER) -> set[int]:
    return set(past_period(kind, user=user).values_list("pk", flat=True))


def test_a_record_is_listed_the_day_after_its_period_ends(ward, old_ward, person, district_reviewer):
    ended_yesterday = archived_letter(old_ward, person, today() - timedelta(days=1))
    ends_today = archived_letter(old_ward, person, today())
    handled_but_not_archived = LetterFactory(unit=old_ward, disposition="", received_on=date(2024, 1, 5))
    assert listed(district_reviewer) == {ended_yesterday.pk}
    assert ends_today.pk not in listed(district_reviewer) and handled_but_not_archived.pk not in listed(
        district_reviewer
    )


def test_a_longer_period_set_by_the_administrator_takes_the_record_off_the_list(old_ward, person, district_reviewer):
    letter = archived_letter(old_ward, person, today() - timedelta(days=1))
    RetentionRule.objects.filter(kind=RecordKind.ARCHIVED_LETTER).update(years=2)
    assert letter.pk not in listed(district_reviewer)


def test_open_watched_reopened_and_held_records_are_not_listed(ward, district_reviewer, person):
    RetentionRule.objects.filter(kind=RecordKind.CLOSED_CASE).update(years=1)
    closed = date(2025, 7, 20)
    common = {"unit": ward, "received_on": date(2025, 7, 2), "status": "closed", "closed_on": closed}
    plain = CaseFactory(**common)
    open_case = CaseFactory(unit=ward, received_on=date(2025, 7, 2))
    hot_spot = CaseFactory(**common, is_hot_spot=True)
    reopened = CaseFactory(**common)
    CaseFactory(unit=ward, received_on=date(2025, 8, 1), attempt="second", previous_case=reopened)
    held = CaseFactory(**common)
    services.hold_place(user=district_reviewer, kind=RecordKind.CLOSED_CASE, record_id=held.pk, reason="Đang thanh tra")

    assert listed(district_reviewer, RecordKind.CLOSED_CASE) == {plain.pk}
    assert not {open_case.pk, hot_spot.pk, reopened.pk, held.pk} & listed(district_reviewer, RecordKind.CLOSED_CASE)


def test_disposal_anonymises_keeps_the_closed_periods_report_and_is_logged(
    ward, old_ward, person, ward_official, district_reviewer, django_capture_on_commit_callbacks
):
    # Received and archived in the first half of 2025, on the ward abolished on 1 July 2025.
    letter = archived_letter(old_ward, person, date(2026, 2, 12))
    session = ReceptionSessionFactory(unit=old_ward, starts_at=timezone.make_aware(timezone.datetime(2025, 2, 3, 8)))
    visit = VisitFactory(session=session, citizen=person, representatives="Bà Lê Thị Hoa", outcome="letter_received")
    Letter.objects.filter(pk=letter.pk).update(source_visit=visit)
    assert letter.history.filter(sender=person).exists()  # the history names the person, until the disposal

    def compile_report():
        with django_capture_on_commit_callbacks(execute=True):
            report = report_services.report_request(user=ward_official, unit=ward, period_kind="half_year", year=2025)
        return Report.objects.get(pk=report.pk)

    before = compile_report()
    assert before.status == "done", before.error

    disposal = services.dispose(
        user=district_reviewer,
        unit=ward,
        decision="12/QĐ-ĐU",
        decided_on=today(),
        records=[(RecordKind.ARCHIVED_LETTER, letter.pk)],
    )

    letter.refresh_from_db()
    visit.refresh_from_db()
    assert letter.sender is None and NAME not in letter.summary and "12/QĐ-ĐU" in letter.summary
    assert (letter.disposition, letter.content, letter.received_on) == ("archived", "recommendation", date(2025, 2, 10))
    assert visit.citizen.is_anonymised and visit.representatives == "" and NAME not in visit.content
    for row in list(letter.history.all()) + list(visit.history.all()):
        assert NAME not in str(vars(row)) and "Lê Thị Hoa" not in str(vars(row))
    person.refresh_from_db()
    assert person.is_anonymised and NAME not in person.full_name and person.national_id == ""
    assert not person.history.filter(full_name=NAME).exists()

    assert DisposedRecord.objects.get().disposal == disposal
    logged = PersonalDataAccess.objects.get(kind=PersonalDataAccess.Kind.ANONYMISE)
    assert (logged.user, logged.unit, logged.record) == (district_reviewer, old_ward, f"Đơn {letter.number}")
    assert letter.pk not in listed(district_reviewer)

    before.refresh_from_db()
    after = compile_report()
    assert after.version == before.version + 1
    assert after.figures["sections"] == before.figures["sections"], "the statistics are kept"


def test_a_closed_case_goes_with_its_letters_and_visit(ward, person, district_reviewer):
    RetentionRule.objects.filter(kind=RecordKind.CLOSED_CASE).update(years=1)
    session = ReceptionSessionFactory(unit=ward, starts_at=timezone.make_aware(timezone.datetime(2025, 7, 3, 9)))
    visit = VisitFactory(session=session, citizen=person, outcome="letter_received")
    case = CaseFactory(
        unit=ward,
        complainant=person,
        other_complainants="Ông Phạm Văn Lộc",
        respondent="Ông Trưởng thôn",
        source_visit=visit,
        received_on=date(2025, 7, 3),
        status="closed",
        closed_on=date(2025, 8, 1),
    )
    letter = LetterFactory(unit=ward, case=case, sender=person, is_anonymous=False, disposition="case")
    services.dispose(
        user=district_reviewer,
        unit=ward,
        decision="3/QĐ",
        decided_on=today(),
        records=[(RecordKind.CLOSED_CASE, case.pk)],
    )
    case.refresh_from_db()
    assert (case.complainant, case.other_complainants, case.respondent) == (None, "", "")
    assert (case.status, case.kind, case.people_count) == ("closed", "complaint", 1)
    assert Letter.objects.get(pk=letter.pk).sender is None
    assert Visit.objects.get(pk=visit.pk).citizen.is_anonymised
    assert NAME not in case.identity_text and Citizen.objects.get(pk=person.pk).is_anonymised


def test_a_person_with_a_record_still_kept_keeps_their_name(old_ward, ward, person, district_reviewer):
    letter = archived_letter(old_ward, person, date(2026, 2, 12))
    kept = archived_letter(old_ward, person, today() + timedelta(days=30))
    services.dispose(
        user=district_reviewer, unit=ward, decision="4/QĐ", decided_on=today(), records=[("archived_letter", letter.pk)]
    )
    person.refresh_from_db()
    assert not person.is_anonymised and person.full_name == NAME
    assert Letter.objects.get(pk=kept.pk).sender == person


def test_a_record_not_past_its_period_or_held_meanwhile_is_refused_and_nothing_is_saved(
    old_ward, ward, person, district_reviewer
):
    past = archived_letter(old_ward, person, date(2026, 2, 12))
    not_yet = archived_letter(old_ward, person, today())
    with pytest.raises(ValidationError) as error:
        services.dispose(
            user=district_reviewer,
            unit=ward,
            decision="5/QĐ",
            decided_on=today(),
            records=[("archived_letter", past.pk), ("archived_letter", not_yet.pk)],
        )
    assert "records" in error.value.error_dict
    assert Letter.objects.get(pk=past.pk).sender == person and not DisposedRecord.objects.exists()

    services.hold_place(user=district_reviewer, kind="archived_letter", record_id=past.pk, reason="Tòa án yêu cầu")
    with pytest.raises(ValidationError):
        services.dispose(
            user=district_reviewer,
            unit=ward,
            decision="6/QĐ",
            decided_on=today(),
            records=[("archived_letter", past.pk)],
        )
    assert Letter.objects.get(pk=past.pk).sender == person


def test_a_ward_official_may_not_approve_nor_see_the_list(client, ward, old_ward, person, ward_official):
    letter = archived_letter(old_ward, person, date(2026, 2, 12))
    with pytest.raises(PermissionDenied):
        services.dispose(
            user=ward_official, unit=ward, decision="7/QĐ", decided_on=today(), records=[("archived_letter", letter.pk)]
        )
    client.force_login(ward_official)
    assert client.get(reverse("retention:retention")).status_code == 403
    response = client.post(
        reverse("retention:dispose"),
        {
            "unit": ward.pk,
            "decision": "7/QĐ",
            "decided_on": today().strftime("%d/%m/%Y"),
            "records": [f"archived_letter:{letter.pk}"],
        },
    )
    assert response.status_code == 403 and Letter.objects.get(pk=letter.pk).sender == person


def test_another_wards_committee_does_not_see_or_dispose_of_the_record(client, ward, old_ward, other_ward, person):
    letter = archived_letter(old_ward, person, date(2026, 2, 12))
    other_reviewer = user_with_role(other_ward, Role.DISTRICT_REVIEWER)
    assert letter.pk not in listed(other_reviewer)
    client.force_login(other_reviewer)
    response = client.post(
        reverse("retention:dispose"),
        {
            "unit": other_ward.pk,
            "decision": "8/QĐ",
            "decided_on": today().strftime("%d/%m/%Y"),
            "records": [f"archived_letter:{letter.pk}"],
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["records"]
    assert Letter.objects.get(pk=letter.pk).sender == person


def test_the_committee_approves_a_disposal_in_the_page(client, ward, old_ward, person, district_reviewer):
    letter = archived_letter(old_ward, person, date(2026, 2, 12))
    client.force_login(district_reviewer)
    page = client.get(reverse("retention:retention"))
    assert page.status_code == 200 and f"Đơn {letter.number}" in page.content.decode()
    assert NAME not in page.content.decode(), "the list names records, never people"

    response = client.post(
        reverse("retention:dispose"),
        {"unit": ward.pk, "decision": "", "decided_on": "31/02/2026", "records": [f"archived_letter:{letter.pk}"]},
    )
    assert response.status_code == 200
    assert {"decision", "decided_on"} <= set(response.context["form"].errors)
    assert Letter.objects.get(pk=letter.pk).sender == person

    response = client.post(
        reverse("retention:dispose"),
        {
            "unit": ward.pk,
            "decision": "9/QĐ-ĐU",
            "decided_on": today().strftime("%d/%m/%Y"),
            "records": [f"archived_letter:{letter.pk}"],
        },
    )
    disposal_url = response.url
    assert response.status_code == 302 and "9/QĐ-ĐU" in client.get(disposal_url).content.decode()
    assert Letter.objects.get(pk=letter.pk).sender is None
    assert "9/QĐ-ĐU" in client.get(reverse("retention:disposal_list")).content.decode()


def test_a_hold_placed_and_lifted_in_the_page(client, ward, old_ward, person, district_reviewer):
    letter = archived_letter(old_ward, person, date(2026, 2, 12))
    client.force_login(district_reviewer)
    url = reverse("retention:hold_place")
    client.post(url, {"kind": "archived_letter", "record_id": letter.pk, "reason": ""})
    assert letter.pk in listed(district_reviewer), "a hold needs its reason"
    client.post(url, {"kind": "archived_letter", "record_id": letter.pk, "reason": "Đang thanh tra"})
    assert letter.pk not in listed(district_reviewer)
    hold = letter_hold(letter)
    assert "Đang thanh tra" in client.get(reverse("retention:retention")).content.decode()
    client.post(reverse("retention:hold_lift", args=[hold.pk]))
    assert letter.pk in listed(district_reviewer)


def letter_hold(letter):
    return RetentionHold.objects.get(kind="archived_letter", record_id=letter.pk)
