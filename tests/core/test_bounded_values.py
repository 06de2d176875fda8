"""Bounded values: absurd dates and negative results are refused everywhere, and no stored value breaks a page."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Letter
from cases.services import case_update
from citizens.models import ReceptionSession
from citizens.services import validate_session
from organizations.models import (
    Inspection,
    InspectionConclusion,
    PlanTask,
    QualityRating,
    RatingRegulation,
    TaskProgress,
    Unit,
    WeakDossier,
)
from tests.core.test_fuzz_forms import url_for
from tests.factories import CaseFactory, LetterFactory, ReceptionSessionFactory, VisitFactory
from tests.imports_helpers import errors_of, preview, xlsx
from tests.test_url_scope import project_urls


@pytest.mark.django_db
def test_pages_answer_200_with_a_year_one_session_stored(client, ward, ward_official, steering_member):
    sessions = [ReceptionSessionFactory(unit=ward, created_by=ward_official) for _ in range(3)]
    VisitFactory(session=sessions[0])
    # Midnight of 01/01/0001 in Hanoi is year 0 in UTC: what a typo in the form stored before dates were bounded.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE citizens_receptionsession SET starts_at = '0001-01-01 00:00:00+07' WHERE id = %s", [sessions[0].pk]
        )
    client.force_login(ward_official)
    pk = sessions[0].pk
    for name in ("session_detail", "session_update"):
        response = client.get(reverse(f"citizens:{name}", kwargs={"pk": pk}))
        assert response.status_code == 200, name
    for page in ("1", "last"):
        assert client.get(reverse("citizens:session_list"), {"page": page}).status_code == 200
    client.force_login(steering_member)
    for page in ("1", "last"):
        assert client.get(reverse("citizens:session_list"), {"page": page}).status_code == 200
    client.force_login(ward_official)
    response = client.post(reverse("citizens:session_void", kwargs={"pk": pk}), {"reason": "Nhập nhầm năm"})
    assert response.status_code == 302
    assert ReceptionSession.objects.get(pk=pk).is_void


@pytest.mark.django_db
def test_pages_answer_200_with_a_year_one_case_stored(client, ward, ward_official, steering_member):
    cases = [CaseFactory(unit=ward, created_by=ward_official) for _ in range(3)]
    Case.objects.filter(pk=cases[0].pk).update(received_on=date(1, 1, 1), accepted_on=date(1, 1, 1))
    client.force_login(ward_official)
    pk = cases[0].pk
    for name in ("case_detail", "case_update", "case_duplicates"):
        response = client.get(reverse(f"cases:{name}", kwargs={"pk": pk}))
        assert response.status_code == 200, name
    for page in ("1", "last"):
        assert client.get(reverse("cases:case_list"), {"page": page}).status_code == 200
    client.force_login(steering_member)
    for page in ("1", "last"):
        assert client.get(reverse("cases:case_list"), {"page": page}).status_code == 200
    client.force_login(ward_official)
    response = client.post(reverse("cases:case_void", kwargs={"pk": pk}), {"reason": "Nhập nhầm năm"})
    assert response.status_code == 302
    assert Case.objects.get(pk=pk).is_void


# Dates at their bounds, for every dated record ------------------------------------------------------------------

FLOOR = date(1945, 1, 1)


def _session(unit, user, when):
    return ReceptionSessionFactory.build(unit=unit, created_by=user, starts_at=when)


def _dossier(unit, user):
    organization = Unit.objects.create(name="Chi bộ Kiểm Thử", kind="grassroots", parent=unit)
    return WeakDossier.objects.create(
        unit=organization, year=2025, origin="rating", identified_on=date(2026, 1, 5), created_by=user
    )


def _task(unit, user):
    return PlanTask.objects.create(
        dossier=_dossier(unit, user),
        solution="Kiện toàn",
        task_type="cadre_work",
        owner="Bí thư",
        deadline=date(2026, 6, 1),
    )


def _inspection(unit, user):
    return Inspection.objects.create(
        dossier=_dossier(unit, user), kind="inspection", on=date(2026, 2, 1), team="Đoàn", created_by=user
    )


# (record, field, the future makes no sense, the unit's first day bounds it): how to build a valid record of `unit`.
DATED = {
    "case.received_on": (lambda u, w: CaseFactory.build(unit=u, created_by=w), "received_on", True, True),
    "case.accepted_on": (lambda u, w: CaseFactory.build(unit=u, created_by=w), "accepted_on", True, False),
    "case.concluded_on": (lambda u, w: CaseFactory.build(unit=u, created_by=w), "concluded_on", True, False),
    "case.closed_on": (lambda u, w: CaseFactory.build(unit=u, created_by=w), "closed_on", True, False),
    "letter.received_on": (lambda u, w: LetterFactory.build(unit=u, created_by=w), "received_on", True, True),
    "letter.disposed_on": (lambda u, w: LetterFactory.build(unit=u, created_by=w), "disposed_on", True, False),
    "dossier.identified_on": (_dossier, "identified_on", True, False),
    "dossier.ended_on": (_dossier, "ended_on", True, False),
    "task.deadline": (_task, "deadline", False, False),
    "task.done_on": (_task, "done_on", True, False),
    "progress.on": (
        lambda u, w: TaskProgress(task=_task(u, w), on=date(2026, 2, 1), note="Đã họp", user=w),
        "on",
        True,
        False,
    ),
    "inspection.on": (_inspection, "on", True, False),
    "conclusion.deadline": (
        lambda u, w: InspectionConclusion(inspection=_inspection(u, w), text="Kiện toàn"),
        "deadline",
        False,
        False,
    ),
    "conclusion.done_on": (
        lambda u, w: InspectionConclusion(inspection=_inspection(u, w), text="Kiện toàn"),
        "done_on",
        True,
        False,
    ),
}


def _errors(record) -> dict:
    try:
        record.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return error.message_dict
    return {}


@pytest.mark.parametrize("name", DATED)
@pytest.mark.django_db
def test_a_date_before_the_floor_is_refused_and_the_floor_accepted(name, ward, ward_official):
    build, field, _past, _unit_bound = DATED[name]
    record = build(ward, ward_official)
    setattr(record, field, FLOOR - timedelta(days=1))
    assert field in _errors(record)
    setattr(record, field, FLOOR)
    assert _errors(record) == {}


@pytest.mark.parametrize("name", [name for name, (_b, _f, past, _u) in DATED.items() if past])
@pytest.mark.django_db
def test_a_date_after_today_is_refused_for_what_has_happened(name, ward, ward_official):
    build, field, _past, _unit_bound = DATED[name]
    record = build(ward, ward_official)
    setattr(record, field, timezone.localdate() + timedelta(days=1))
    assert field in _errors(record)
    setattr(record, field, timezone.localdate())
    assert _errors(record) == {}


@pytest.mark.parametrize("name", [name for name, (_b, _f, _p, bound) in DATED.items() if bound])
@pytest.mark.django_db
def test_a_date_before_the_unit_existed_is_refused(name, other_ward, ward_official):
    """other_ward came into being on 01/07/2025 and took over no unit: nothing of it is dated before."""
    build, field, _past, _unit_bound = DATED[name]
    record = build(other_ward, ward_official)
    setattr(record, field, date(2025, 6, 30))
    assert field in _errors(record)
    setattr(record, field, date(2025, 7, 1))
    assert _errors(record) == {}


@pytest.mark.django_db
def test_a_merged_unit_keeps_the_dates_of_the_units_it_took_over(ward, old_ward):
    """ward (from 01/07/2025) took over old_ward, whose first day is not known: the register's floor holds."""
    assert ward.records_from() == FLOOR
    old_ward.valid_from = date(2008, 8, 1)
    old_ward.save()
    assert ward.records_from() == date(2008, 8, 1)


@pytest.mark.django_db
def test_a_session_is_bounded_in_local_time_and_only_a_held_one_by_today(ward, other_ward, ward_official):
    local = timezone.get_current_timezone()
    session = _session(ward, ward_official, datetime(1944, 12, 31, 23, 59, tzinfo=local))
    assert "starts_at" in _errors(session)
    session.starts_at = datetime(1945, 1, 1, 0, 0, tzinfo=local)
    assert _errors(session) == {}
    session.starts_at = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        validate_session(session)
    assert "starts_at" in refused.value.message_dict
    session.status = "scheduled"
    validate_session(session)
    assert _errors(session) == {}
    session = _session(other_ward, ward_official, datetime(2025, 6, 30, 23, 0, tzinfo=local))
    assert "starts_at" in _errors(session)
    session.starts_at = datetime(2025, 7, 1, 8, 0, tzinfo=local)
    assert _errors(session) == {}


@pytest.mark.parametrize("model_field", ["rating.year", "dossier.year"])
@pytest.mark.django_db
def test_a_year_is_bounded_by_the_floor_and_this_year(model_field, ward, ward_official):
    record = _dossier(ward, ward_official)
    field = "year"
    if model_field == "rating.year":
        record = QualityRating(
            unit=record.unit,
            year=2025,
            regulation=RatingRegulation.objects.first(),
            level="good",
            rated_by=ward_official,
        )
    for year, refused in (
        (1944, True),
        (1945, False),
        (timezone.localdate().year, False),
        (timezone.localdate().year + 1, True),
    ):
        setattr(record, field, year)
        assert (field in _errors(record)) is refused, year


@pytest.mark.django_db
def test_the_session_form_refuses_year_one_with_a_message_next_to_the_field(client, ward, ward_official):
    client.force_login(ward_official)
    response = client.post(
        reverse("citizens:session_create"),
        {
            "unit": ward.pk,
            "status": "held",
            "kind": "regular",
            "mode": "direct",
            "starts_at": "01/01/0001 00:00",
            "place": "Trụ sở",
            "host_name": "Cán bộ",
        },
    )
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors
    assert not ReceptionSession.objects.exists()


def test_the_cases_import_refuses_a_date_before_the_floor(ward, ward_official):
    batch = preview(
        user=ward_official,
        unit=ward,
        kind="cases",
        upload=xlsx(
            ["Số vụ việc", "Ngày nhận", "Loại vụ việc", "Lĩnh vực", "Nguồn", "Nội dung"],
            [
                ["1/1900", "05/03/1900", "Khiếu nại", "Đất đai", "Tiếp công dân", "Khiếu nại thu hồi đất"],
                ["2/2024", "05/03/2024", "Khiếu nại", "Đất đai", "Tiếp công dân", "Khiếu nại thu hồi đất"],
            ],
        ),
    )
    assert [(number, column) for number, column, _message in errors_of(batch)] == [(2, "Ngày tiếp nhận")]


# Results are never negative -------------------------------------------------------------------------------------


def _case_form(case, **changes):
    data = {
        "kind": case.kind,
        "field": case.field_id,
        "summary": case.summary,
        "people_count": case.people_count,
        "other_complainants": case.other_complainants,
        "respondent": case.respondent,
        "complexity": case.complexity,
        "money_returned": "",
        "land_returned": "",
        "people_disciplined": "",
        "result_notes": "",
    }
    return data | changes


@pytest.mark.parametrize(
    ("field", "value"),
    [("money_returned", "-5000000"), ("land_returned", "-3.5"), ("people_disciplined", "-1"), ("people_count", "-2")],
)
@pytest.mark.django_db
def test_the_case_form_refuses_a_negative_result(client, ward, ward_official, field, value):
    case = CaseFactory(unit=ward, created_by=ward_official)
    client.force_login(ward_official)
    response = client.post(reverse("cases:case_update", kwargs={"pk": case.pk}), _case_form(case, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    case.refresh_from_db()
    assert getattr(case, field) in (None, 1)


@pytest.mark.parametrize(
    ("field", "value"), [("money_returned", Decimal(-5_000_000)), ("land_returned", Decimal("-3.5"))]
)
@pytest.mark.django_db
def test_the_case_service_refuses_a_negative_result(ward, ward_official, field, value):
    case = CaseFactory(unit=ward, created_by=ward_official)
    with pytest.raises(ValidationError) as refused:
        case_update(user=ward_official, case=case, **{field: value})
    assert list(refused.value.message_dict) == [field]
    case.refresh_from_db()
    assert getattr(case, field) is None
    case_update(user=ward_official, case=case, **{field: Decimal(0)})


@pytest.mark.django_db
def test_a_rating_score_and_a_regulations_thresholds_are_not_negative(ward, ward_official):
    regulation = RatingRegulation.objects.first()
    rating = QualityRating(unit=ward, year=2025, regulation=regulation, level="good", rated_by=ward_official)
    rating.score = Decimal("-1")
    assert "score" in _errors(rating)
    rating.score = Decimal(0)
    assert _errors(rating) == {}
    for field in ("excellent_min", "good_min", "completed_min"):
        setattr(regulation, field, Decimal("-0.5"))
        assert field in _errors(regulation)
        setattr(regulation, field, Decimal(0))


@pytest.mark.parametrize(("name", "pattern"), project_urls(), ids=[name for name, _p in project_urls()])
@pytest.mark.django_db
def test_no_page_fails_on_records_stored_with_year_one(client, name, pattern, ward, grassroots, ward_official):
    """Every page of the project, opened by an official of a unit whose sessions, cases and letters (those the page
    names among them) were stored with year 1, before dates were bounded."""
    session = ReceptionSessionFactory(unit=ward, created_by=ward_official)
    VisitFactory(session=session)
    CaseFactory(unit=ward, created_by=ward_official)
    LetterFactory(unit=ward, created_by=ward_official)
    url = url_for(name, pattern, ward)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE citizens_receptionsession SET starts_at = '0001-01-01 00:00:00+07'")
    Case.objects.update(received_on=date(1, 1, 1))
    Letter.objects.update(received_on=date(1, 1, 1))
    client.force_login(ward_official)
    assert client.get(url).status_code < 500


@pytest.mark.django_db
def test_the_weak_list_refuses_a_period_from_year_one(client, ward, ward_official):
    """Found by the fuzzing of forms: the list's figures count from the day before the period's start."""
    client.force_login(ward_official)
    response = client.get(reverse("organizations:weak_list"), {"start": "01/01/0001"})
    assert response.status_code == 200
    assert "start" in response.context["form"].errors
