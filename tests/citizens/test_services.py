from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.intake import intake_visit_record
from cases.models import Case
from citizens import services
from citizens.models import Citizen, ReceptionSession, Visit
from citizens.stats import visit_totals
from tests.factories import field

NEW_CITIZEN = {"full_name": "Trần Thị Bình", "national_id": "001190000123", "phone": "", "address": "Số 3 Liễu Giai"}


def visit_fields(**overrides):
    return {"people_count": 1, "content": "Đề nghị cấp sổ đỏ", "field": field(), "outcome": "guided", **overrides}


def test_three_visits_count_visits_people_delegations_and_cases_separately(session, ward_official):
    services.visit_record(user=ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields())
    services.visit_record(
        user=ward_official,
        session=session,
        new_citizen={**NEW_CITIZEN, "full_name": "Lê Văn Cường", "national_id": "001085000777"},
        **visit_fields(people_count=7, content="Khiếu nại bồi thường giải phóng mặt bằng"),
    )
    intake_visit_record(
        user=ward_official,
        session=session,
        new_citizen={**NEW_CITIZEN, "full_name": "Phạm Văn Dũng", "national_id": "001075000888"},
        **visit_fields(outcome="letter_received", content_kind="complaint"),
    )
    totals = visit_totals(session.visits.all())
    assert (totals["visits"], totals["people"], totals["delegations"], totals["cases"]) == (3, 9, 1, 1)
    assert totals["delegation_people"] == 7


def test_a_group_at_the_threshold_is_marked_a_mass_delegation(session, ward_official, settings):
    settings.DELEGATION_THRESHOLD = 5
    visit = services.visit_record(
        user=ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields(people_count=5)
    )
    assert visit.is_mass_delegation


def test_a_delegation_below_the_threshold_is_refused_and_nothing_is_saved(session, ward_official):
    with pytest.raises(ValidationError) as error:
        services.visit_record(
            user=ward_official,
            session=session,
            new_citizen=NEW_CITIZEN,
            **visit_fields(people_count=3, is_mass_delegation=True),
        )
    assert "is_mass_delegation" in error.value.error_dict
    assert "ít nhất 5 người" in error.value.error_dict["is_mass_delegation"][0].messages[0]
    assert not Citizen.objects.exists() and not Visit.objects.exists()


def test_zero_people_is_refused(session, ward_official):
    with pytest.raises(ValidationError) as error:
        services.visit_record(
            user=ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields(people_count=0)
        )
    assert "people_count" in error.value.error_dict


def test_a_held_session_cannot_be_dated_in_the_future(ward, ward_official):
    with pytest.raises(ValidationError) as error:
        services.session_create(
            user=ward_official,
            unit=ward,
            kind="regular",
            status="held",
            starts_at=timezone.now() + timedelta(days=2),
            place="Trụ sở",
            host_name="Cán bộ",
        )
    assert "starts_at" in error.value.error_dict
    assert not ReceptionSession.objects.exists()


def test_a_scheduled_session_may_be_in_the_future_and_is_numbered_per_unit_and_year(ward, ward_official):
    first = services.session_create(
        user=ward_official,
        unit=ward,
        kind="periodic",
        status="scheduled",
        starts_at=timezone.now() + timedelta(days=3),
        place="Trụ sở",
        host_name="Bí thư",
        head_position="party_secretary",
        head_in_person=True,
    )
    second = services.session_create(
        user=ward_official,
        unit=ward,
        kind="regular",
        status="held",
        starts_at=timezone.now() - timedelta(days=1),
        place="Trụ sở",
        host_name="Cán bộ",
    )
    assert first.number.split("/")[0] == "1"
    assert second.number.split("/")[0] == "2"


def test_a_letter_received_needs_its_nature(session, ward_official):
    with pytest.raises(ValidationError) as error:
        services.visit_record(
            user=ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields(outcome="letter_received")
        )
    assert "content_kind" in error.value.error_dict
    assert not Case.objects.exists()


def test_transferred_and_refused_need_their_details(session, ward_official):
    for outcome, field_name in [("transferred", "transferred_to"), ("refused", "refusal_reason")]:
        with pytest.raises(ValidationError) as error:
            services.visit_record(
                user=ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields(outcome=outcome)
            )
        assert field_name in error.value.error_dict


def test_a_repeat_visitor_is_recognised_by_identity_number(session, ward_official):
    first = services.visit_record(user=ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields())
    second = services.visit_record(user=ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields())
    assert second.citizen == first.citizen
    assert not first.is_repeat and second.is_repeat
    assert Citizen.objects.count() == 1


def test_another_ward_cannot_record_in_this_wards_session(session, other_ward_official):
    with pytest.raises(PermissionDenied):
        services.visit_record(user=other_ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields())


def test_a_reviewer_without_change_right_cannot_record(session, district_reviewer):
    with pytest.raises(PermissionDenied):
        services.visit_record(user=district_reviewer, session=session, new_citizen=NEW_CITIZEN, **visit_fields())


def test_writes_leave_history_with_the_author(session, ward_official):
    visit = services.visit_record(user=ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields())
    services.visit_update(user=ward_official, visit=visit, citizen=visit.citizen, **visit_fields(people_count=2))
    records = list(visit.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert {r.history_user for r in records} == {ward_official}
    assert records[-1].diff_against(records[0]).changed_fields == ["people_count"]


def test_voiding_keeps_the_session_and_needs_a_reason(session, ward_official):
    with pytest.raises(ValidationError):
        services.session_void(user=ward_official, session=session, reason="  ")
    services.session_void(user=ward_official, session=session, reason="Nhập trùng")
    session.refresh_from_db()
    assert session.is_void and ReceptionSession.objects.filter(pk=session.pk).exists()


def test_visits_cannot_be_added_to_a_voided_or_scheduled_session(session, ward_official):
    session.status = "scheduled"
    session.save()
    with pytest.raises(ValidationError):
        services.visit_record(user=ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields())


def test_a_dialogue_is_closed_with_minutes_and_attendees(ward, ward_official):
    session = services.session_create(
        user=ward_official,
        unit=ward,
        kind="dialogue",
        status="held",
        starts_at=timezone.now() - timedelta(hours=3),
        place="Hội trường",
        host_name="Chủ tịch UBND",
    )
    dialogue = session.dialogue
    with pytest.raises(ValidationError) as error:
        services.dialogue_close(user=ward_official, dialogue=dialogue, minutes="", attendees_count=None)
    assert set(error.value.error_dict) == {"minutes", "attendees_count"}
    services.dialogue_close(user=ward_official, dialogue=dialogue, minutes="Biên bản đối thoại", attendees_count=14)
    dialogue.refresh_from_db()
    assert dialogue.closed_at and dialogue.attendees_count == 14
    assert dialogue.session.minutes == "Biên bản đối thoại"
    with pytest.raises(ValidationError):
        services.dialogue_update(user=ward_official, dialogue=dialogue, result="sửa sau khi đóng")


def test_online_reception_is_refused_before_law_136_takes_effect(ward, ward_official):
    tz = timezone.get_current_timezone()
    with pytest.raises(ValidationError) as error:
        services.session_create(
            user=ward_official,
            unit=ward,
            kind="regular",
            mode="online",
            status="held",
            starts_at=datetime(2026, 6, 30, 9, tzinfo=tz),
            place="Trực tuyến",
            host_name="Cán bộ",
        )
    assert "mode" in error.value.error_dict
    session = services.session_create(
        user=ward_official,
        unit=ward,
        kind="regular",
        mode="online",
        status="held",
        starts_at=datetime(2026, 7, 1, 9, tzinfo=tz),
        place="Trực tuyến",
        host_name="Cán bộ",
    )
    assert session.mode == "online"


def test_voiding_a_visit_removes_it_from_the_totals_but_keeps_it(session, ward_official):
    visit = services.visit_record(user=ward_official, session=session, new_citizen=NEW_CITIZEN, **visit_fields())
    services.visit_void(user=ward_official, visit=visit, reason="Nhập nhầm buổi tiếp")
    assert visit_totals(session.visits.all())["visits"] == 0
    assert Visit.objects.filter(pk=visit.pk, is_void=True).exists()


def test_a_visit_is_not_added_to_a_session_voided_after_the_page_loaded_it(session, ward_official):
    loaded = ReceptionSession.objects.get(pk=session.pk)  # the page's copy
    services.session_void(user=ward_official, session=session, reason="Nhập nhầm")
    with pytest.raises(ValidationError):
        services.visit_record(user=ward_official, session=loaded, new_citizen=NEW_CITIZEN, **visit_fields())
    assert not Visit.objects.exists()


def test_two_officials_recording_the_same_new_citizen_get_one_row(session, ward_official, monkeypatch):
    """A colleague's row is committed between this one's look-up and its save: the look-up missed it, the constraint
    refuses this save, and the service returns the colleague's row instead of failing."""
    colleague = Citizen.objects.create(unit=session.unit, full_name="Trần Thị Bình", national_id="001190000123")
    manager, real_filter, calls = type(Citizen.objects), type(Citizen.objects).filter, []

    def first_look_up_misses(self, *args, **kwargs):
        calls.append(kwargs)
        queryset = real_filter(self, *args, **kwargs)
        return queryset.none() if len(calls) == 1 else queryset

    monkeypatch.setattr(manager, "filter", first_look_up_misses)
    monkeypatch.setattr(Citizen, "validate_constraints", lambda self, exclude=None: None)  # as when both validated
    citizen = services.citizen_find_or_create(user=ward_official, unit=session.unit, **NEW_CITIZEN)
    assert citizen == colleague
    assert Citizen.objects.filter(national_id="001190000123").count() == 1
