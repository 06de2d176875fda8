from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from organizations import services
from organizations.models import DossierEvent, PlanTask, WeakDossier, WeakReason
from tests.factories import UnitFactory, merge_units, user_with_role


@pytest.fixture
def dossier(grassroots, ward_official):
    return services.dossier_open(
        user=ward_official,
        unit=grassroots,
        year=2025,
        origin="rating",
        identified_on=date(2026, 1, 5),
        reasons=WeakReason.objects.filter(code__in=["mat-doan-ket", "cong-tac-can-bo"]),
        goals="Khôi phục đoàn kết nội bộ, kiện toàn cấp ủy",
        responsible_leader="Đồng chí Phó Bí thư Đảng ủy phường",
    )


def add_tasks(dossier, user, count=4, late=False):
    today = timezone.localdate()
    for n in range(count):
        deadline = today - timedelta(days=10) if late and n == 0 else today + timedelta(days=30 * (n + 1))
        services.task_save(
            user=user,
            dossier=dossier,
            solution=f"Giải pháp {n + 1}",
            task_type="cadre_work" if n == 0 else "unity",
            owner="Bí thư chi bộ",
            deadline=deadline,
            status="not_started",
        )


def test_submit_needs_reasons_goals_and_tasks(dossier, ward_official):
    with pytest.raises(ValidationError, match="nhiệm vụ"):
        services.dossier_submit(user=ward_official, dossier=dossier)
    add_tasks(dossier, ward_official)
    assert services.dossier_submit(user=ward_official, dossier=dossier).status == "submitted"


def test_the_ward_cannot_approve_its_own_dossier_only_the_committee_above(dossier, ward_official, district_reviewer):
    add_tasks(dossier, ward_official)
    services.dossier_submit(user=ward_official, dossier=dossier)
    with pytest.raises(PermissionDenied):
        services.dossier_approve(user=ward_official, dossier=dossier)
    # A reviewer held for the organization itself is not the committee above it.
    own_reviewer = user_with_role(dossier.unit, Role.DISTRICT_REVIEWER)
    with pytest.raises(PermissionDenied):
        services.dossier_approve(user=own_reviewer, dossier=dossier)
    assert services.dossier_approve(user=district_reviewer, dossier=dossier).status == "consolidating"


def test_return_needs_a_comment_and_the_ward_can_amend_and_resubmit(dossier, ward_official, district_reviewer):
    add_tasks(dossier, ward_official)
    services.dossier_submit(user=ward_official, dossier=dossier)
    with pytest.raises(ValidationError):
        services.dossier_return(user=district_reviewer, dossier=dossier, comment=" ")
    services.dossier_return(user=district_reviewer, dossier=dossier, comment="Bổ sung giải pháp về công tác cán bộ")
    services.dossier_update(user=ward_official, dossier=dossier, goals="Mục tiêu đã bổ sung")
    services.dossier_submit(user=ward_official, dossier=dossier)
    services.dossier_approve(user=district_reviewer, dossier=dossier)
    kinds = list(dossier.events.filter(kind="transition").values_list("to_status", "user"))
    assert kinds == [
        ("submitted", ward_official.pk),
        ("returned", district_reviewer.pk),
        ("submitted", ward_official.pk),
        ("consolidating", district_reviewer.pk),
    ]
    assert "Bổ sung giải pháp" in dossier.events.get(to_status="returned").note


def test_reassess_and_take_off_the_list(dossier, ward_official, district_reviewer):
    add_tasks(dossier, ward_official)
    services.dossier_submit(user=ward_official, dossier=dossier)
    services.dossier_approve(user=district_reviewer, dossier=dossier)
    with pytest.raises(ValidationError):
        services.dossier_take_off_list(user=district_reviewer, dossier=dossier, on=timezone.localdate())
    services.dossier_reassess(user=district_reviewer, dossier=dossier, assessment="Đã khắc phục mất đoàn kết")
    done = services.dossier_take_off_list(user=district_reviewer, dossier=dossier, on=timezone.localdate())
    assert done.status == "off_list" and done.ended_on == timezone.localdate()
    assert not WeakDossier.objects.on_list(timezone.localdate()).exists()
    assert WeakDossier.objects.on_list(date(2026, 2, 1)).get() == dossier


def test_a_late_task_shows_late(dossier, ward_official):
    add_tasks(dossier, ward_official, late=True)
    today = timezone.localdate()
    assert dossier.tasks.order_by("deadline").first().timeliness(today) == "late"


def test_a_not_completed_rating_opens_a_draft_dossier(grassroots, ward_official):
    from organizations.models import RatingRegulation

    services.rating_record(
        user=ward_official,
        unit=grassroots,
        year=2025,
        regulation=RatingRegulation.objects.get(code="366-QĐ/TW"),
        level="not_completed",
        score=42,
    )
    dossier = WeakDossier.objects.get(unit=grassroots)
    assert dossier.status == "draft" and dossier.origin == "rating" and dossier.identified_on == date(2025, 12, 31)


def test_only_the_committee_above_designates(grassroots, ward_official, district_reviewer):
    with pytest.raises(PermissionDenied):
        services.dossier_open(
            user=ward_official, unit=grassroots, year=2025, origin="designated", identified_on=date(2026, 2, 1)
        )
    assert services.dossier_open(
        user=district_reviewer, unit=grassroots, year=2025, origin="designated", identified_on=date(2026, 2, 1)
    ).pk


def test_an_open_dossier_is_handed_over_to_the_successor_after_a_merge(old_ward, ward, ward_official):
    old_org = UnitFactory(name="Chi bộ cũ", kind="grassroots", parent=old_ward, code="", valid_to=date(2025, 6, 30))
    new_org = UnitFactory(name="Chi bộ mới", kind="grassroots", parent=ward, code="", valid_from=date(2025, 7, 1))
    old = WeakDossier.objects.create(
        unit=old_org, year=2024, origin="rating", identified_on=date(2025, 1, 10), created_by=ward_official
    )
    with pytest.raises(ValidationError):
        services.dossier_hand_over(user=ward_official, dossier=old, successor=ward, on=date(2025, 7, 1))
    merge_units([old_org], new_org)
    new = services.dossier_hand_over(user=ward_official, dossier=old, successor=new_org, on=date(2025, 7, 1))
    assert new.carried_from == old and new.unit == new_org
    old.refresh_from_db()
    assert old.ended_on == date(2025, 7, 1)
    assert list(WeakDossier.objects.on_list(date(2025, 8, 1))) == [new]


def test_inspection_conclusions_are_tracked(dossier, ward_official, district_reviewer):
    inspection = services.inspection_record(
        user=district_reviewer,
        dossier=dossier,
        kind="inspection",
        on=timezone.localdate(),
        team="Đoàn kiểm tra",
        findings="Chưa khắc phục",
        conclusions=[{"text": "Kiện toàn chi ủy", "deadline": None}, {"text": "Họp chi bộ"}],
    )
    conclusion = inspection.conclusions.first()
    with pytest.raises(PermissionDenied):
        services.inspection_record(
            user=ward_official,
            dossier=dossier,
            kind="urging",
            on=timezone.localdate(),
            team="x",
            findings="",
            conclusions=[],
        )
    services.conclusion_mark_done(user=ward_official, conclusion=conclusion, on=timezone.localdate())
    assert inspection.conclusions.filter(done_on__isnull=False).count() == 1


def _papers():
    """What the dossier page's submit form carries: the covering note and the signed plan."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"covering_note": "Kính trình", "signed_plan": SimpleUploadedFile("de-an.pdf", b"%PDF-1.4 de an")}


def test_the_dossier_journey_in_views(client, dossier, ward_official, district_reviewer, other_ward):
    add_tasks(dossier, ward_official, late=True)
    client.force_login(ward_official)
    client.post(reverse("organizations:dossier_move", args=[dossier.pk, "submit"]), _papers())
    assert WeakDossier.objects.get(pk=dossier.pk).status == "submitted"
    client.post(reverse("organizations:dossier_move", args=[dossier.pk, "approve"]))
    assert WeakDossier.objects.get(pk=dossier.pk).status == "submitted"  # the ward cannot approve

    client.force_login(district_reviewer)
    queue = client.get(reverse("organizations:review_queue")).context
    assert [d.pk for d in queue["submitted"]] == [dossier.pk]
    client.post(reverse("organizations:dossier_move", args=[dossier.pk, "return"]), {"note": "Bổ sung"})
    client.force_login(ward_official)
    client.post(reverse("organizations:dossier_move", args=[dossier.pk, "submit"]), _papers())
    client.force_login(district_reviewer)
    client.post(reverse("organizations:dossier_move", args=[dossier.pk, "approve"]))
    page = client.get(dossier.get_absolute_url())
    assert WeakDossier.objects.get(pk=dossier.pk).status == "consolidating"
    assert "late" in [t.timeliness_code for t in page.context["page"].tasks]
    assert [d.pk for d in client.get(reverse("organizations:review_queue")).context["late"]] == [dossier.pk]

    other_reviewer = user_with_role(other_ward, Role.DISTRICT_REVIEWER)
    client.force_login(other_reviewer)
    assert client.get(dossier.get_absolute_url()).status_code == 404
    assert client.post(reverse("organizations:dossier_move", args=[dossier.pk, "reassess"])).status_code == 404
    assert DossierEvent.objects.filter(dossier=dossier, kind="transition").count() == 4
    assert PlanTask.objects.filter(dossier=dossier).count() == 4


def test_ratings_for_a_commune_are_all_or_nothing_with_errors_per_row(ward, grassroots, ward_official):
    from organizations.models import QualityRating, RatingRegulation

    second = UnitFactory(name="Chi bộ Khu dân cư số 1", kind="grassroots", parent=ward, code="")
    regulation = RatingRegulation.objects.get(code="366-QĐ/TW")
    rows = [
        {"unit": grassroots, "year": 2025, "regulation": regulation, "level": "good", "score": 80},
        {"unit": second, "year": 2025, "regulation": regulation, "level": "excellent", "score": 60},
    ]
    with pytest.raises(ValidationError) as error:
        services.ratings_record_for_commune(user=ward_official, rows=rows)
    assert set(error.value.message_dict) == {"1-level"}
    assert not QualityRating.objects.exists()


def test_evidence_is_checked_on_upload_and_served_only_in_scope(client, dossier, ward_official, other_ward_official):
    from django.core.files.uploadedfile import SimpleUploadedFile

    add_tasks(dossier, ward_official, count=1)
    task = dossier.tasks.get()
    with pytest.raises(ValidationError) as error:
        services.task_add_progress(
            user=ward_official,
            task=task,
            on=timezone.localdate(),
            note="Đã họp",
            evidence=SimpleUploadedFile("virus.exe", b"MZ"),
        )
    assert "evidence" in error.value.error_dict
    progress = services.task_add_progress(
        user=ward_official,
        task=task,
        on=timezone.localdate(),
        note="Đã họp",
        evidence=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban"),
    )
    url = reverse("organizations:evidence_download", args=[progress.pk])
    client.force_login(ward_official)
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 bien ban"
    client.force_login(other_ward_official)
    assert client.get(url).status_code == 404


def test_the_dossier_page_hands_an_open_dossier_over_to_the_successor(client, old_ward, ward, ward_official):
    old_org = UnitFactory(name="Chi bộ cũ", kind="grassroots", parent=old_ward, code="", valid_to=date(2025, 6, 30))
    new_org = UnitFactory(name="Chi bộ mới", kind="grassroots", parent=ward, code="", valid_from=date(2025, 7, 1))
    merge_units([old_org], new_org)
    old = WeakDossier.objects.create(
        unit=old_org, year=2024, origin="rating", identified_on=date(2025, 1, 10), created_by=ward_official
    )
    client.force_login(ward_official)
    assert [u.pk for u in client.get(old.get_absolute_url()).context["successors"]] == [new_org.pk]
    client.post(reverse("organizations:dossier_hand_over", args=[old.pk]), {"successor": new_org.pk})
    assert WeakDossier.objects.get(carried_from=old).unit == new_org


def _submitted_dossiers(ward, official, count):
    for _ in range(count):
        unit = UnitFactory(
            name=f"Chi bộ số {ward.children.count() + 10}", kind="grassroots", division_type="", parent=ward
        )
        official = type(official).objects.get(pk=official.pk)  # scope is cached per user object
        opened = services.dossier_open(
            user=official,
            unit=unit,
            year=2025,
            origin="rating",
            identified_on=date(2026, 1, 5),
            reasons=WeakReason.objects.filter(code="mat-doan-ket"),
            goals="Khôi phục đoàn kết",
            responsible_leader="Đồng chí Phó Bí thư",
        )
        add_tasks(opened, official, count=2, late=True)
        services.dossier_submit(user=official, dossier=opened)


@pytest.mark.parametrize("name", ["organizations:dossier_list", "organizations:review_queue"])
def test_dossier_pages_cost_the_same_queries_for_one_or_many(
    client, ward, ward_official, district_reviewer, name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(district_reviewer)
    _submitted_dossiers(ward, ward_official, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(name)).status_code == 200
    _submitted_dossiers(ward, ward_official, 7)
    with django_assert_max_num_queries(len(one)):
        response = client.get(reverse(name))
    assert response.status_code == 200 and "Chi bộ số 16" in response.content.decode()


def _reassessed(dossier, official, reviewer):
    add_tasks(dossier, official)
    services.dossier_submit(user=official, dossier=dossier)
    services.dossier_approve(user=reviewer, dossier=dossier)
    return services.dossier_reassess(user=reviewer, dossier=dossier, assessment="Đã khắc phục")


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ("31/02/2026", "Nhập một ngày hợp lệ."),
        ("hôm qua", "Nhập một ngày hợp lệ."),
        ("", "Trường này là bắt buộc."),
        ((timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y"), "từ ngày xác định yếu kém đến ngày hôm nay"),
    ],
)
def test_a_wrong_off_list_date_is_an_error_next_to_the_field_and_nothing_is_saved(
    client, dossier, ward_official, district_reviewer, posted, error
):
    import re

    _reassessed(dossier, ward_official, district_reviewer)
    client.force_login(district_reviewer)
    response = client.post(reverse("organizations:dossier_move", args=[dossier.pk, "off_list"]), {"on": posted})
    assert response.status_code == 200
    html = response.content.decode()
    # The error sits beside the date field of the "take off the list" form, which stays open with what was typed.
    assert re.search(r'id="on-off_list-error" class="error-message">.*?' + re.escape(error), html, re.S)
    assert re.search(r'<details class="action" open>\s*<summary[^>]*>Đưa ra khỏi danh sách', html)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.ended_on) == ("reassessed", None)
    assert not dossier.events.filter(to_status="off_list").exists()


def test_the_off_list_date_is_today_unless_changed_and_a_valid_date_is_kept(
    client, dossier, ward_official, district_reviewer
):
    _reassessed(dossier, ward_official, district_reviewer)
    client.force_login(district_reviewer)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert f'value="{timezone.localdate():%d/%m/%Y}"' in page
    on = dossier.identified_on + timedelta(days=1)
    # The plan's tasks are still open: taking off needs the reason why (test_dossier_paper.py).
    client.post(
        reverse("organizations:dossier_move", args=[dossier.pk, "off_list"]),
        {"on": f"{on:%d/%m/%Y}", "open_items_reason": "Đã khắc phục, nhiệm vụ còn lại chuyển năm sau"},
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.ended_on) == ("off_list", on)


def test_the_dossier_list_counts_late_tasks_on_the_date_of_each_request(client, dossier, ward_official):
    from unittest import mock

    real_localdate = timezone.localdate
    today = real_localdate()
    services.task_save(
        user=ward_official,
        dossier=dossier,
        solution="Kiện toàn chi ủy",
        task_type="cadre_work",
        owner="Bí thư chi bộ",
        deadline=today + timedelta(days=10),
        status="not_started",
    )
    client.force_login(ward_official)

    def late_tasks_on(day):
        def localdate(value=None, timezone=None):
            return day if value is None else real_localdate(value, timezone)

        with mock.patch("django.utils.timezone.localdate", localdate):
            response = client.get(reverse("organizations:dossier_list"))
        return [row.tasks_late for row in response.context["object_list"]]

    assert late_tasks_on(today) == [0]
    assert late_tasks_on(today + timedelta(days=20)) == [1]
    assert late_tasks_on(today) == [0]


def test_evidence_missing_from_storage_is_a_404_not_a_server_error(client, dossier, ward_official, caplog):
    from django.core.files.uploadedfile import SimpleUploadedFile

    add_tasks(dossier, ward_official, count=1)
    progress = services.task_add_progress(
        user=ward_official,
        task=dossier.tasks.get(),
        on=timezone.localdate(),
        note="Đã họp",
        evidence=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban"),
    )
    progress.evidence.storage.delete(progress.evidence.name)
    client.force_login(ward_official)
    response = client.get(reverse("organizations:evidence_download", args=[progress.pk]))
    assert response.status_code == 404
    assert progress.evidence.name in caplog.text  # the administrator learns which file is gone
