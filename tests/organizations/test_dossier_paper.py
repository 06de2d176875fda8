"""Dossier review that reads like paper (issue #17 part 5): the return's comments at the top of the page, the
review queue's who/when/how long, the covering note and signed plan that go up with a submission, the rating's
reason carried into the dossier, and taking off the list with open items only with the reason why."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role
from organizations import services
from organizations.choices import DossierStatus, TaskStatus
from organizations.models import (
    DossierEvent,
    DossierSubmission,
    InspectionConclusion,
    RatingRegulation,
    WeakDossier,
    WeakReason,
)
from organizations.selectors_weak import review_queue
from tests.factories import UnitFactory, user_with_role
from tests.organizations.test_dossiers import add_tasks

PDF = b"%PDF-1.4 de an cung co da ky"


def plan(name="de-an.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def papers(note="Kính trình Đảng ủy phường xem xét, phê duyệt."):
    return services.Papers(note, plan())


@pytest.fixture
def dossier(grassroots, ward_official):
    opened = services.dossier_open(
        user=ward_official,
        unit=grassroots,
        year=2025,
        origin="rating",
        identified_on=date(2026, 1, 5),
        reasons=WeakReason.objects.filter(code="mat-doan-ket"),
        goals="Khôi phục đoàn kết nội bộ",
    )
    add_tasks(opened, ward_official, count=1)
    return opened


def move_url(dossier, move):
    return reverse("organizations:dossier_move", args=[dossier.pk, move])


def submit_in_page(client, dossier, **overrides):
    data = {"covering_note": "Kính trình Đảng ủy phường xem xét.", "signed_plan": plan(), **overrides}
    return client.post(move_url(dossier, "submit"), {k: v for k, v in data.items() if v is not None})


def field_error(html, field, move):
    """The text of a field's error message (after its hidden "Error:" prefix), or None."""
    marker = f'id="{field}-{move}-error" class="error-message">'
    if marker not in html:
        return None
    after = html[html.index(marker) + len(marker) :]
    after = re.sub(r'^\s*<span class="visually-hidden">.*?</span>', "", after, flags=re.S)
    return after[: after.index("<")].strip()


# The return's comments at the top -------------------------------------------------------------------------------


def test_a_returned_dossier_shows_the_comment_who_and_when_at_the_top_until_it_is_sent_up_again(
    client, dossier, ward_official, district_reviewer
):
    client.force_login(ward_official)
    submit_in_page(client, dossier)
    client.force_login(district_reviewer)
    client.post(move_url(dossier, "return"), {"note": "Bổ sung giải pháp về công tác cán bộ"})
    returned = DossierEvent.objects.get(dossier=dossier, to_status=DossierStatus.RETURNED)

    client.force_login(ward_official)
    html = client.get(dossier.get_absolute_url()).content.decode()
    panel = re.search(r'<section class="panel returned-panel".*?</section>', html, re.S)
    assert panel, "the returned dossier has the panel"
    text = panel.group(0)
    assert gettext("Returned for completion") in text
    assert "Bổ sung giải pháp về công tác cán bộ" in text
    assert str(district_reviewer) in text
    assert timezone.localtime(returned.at).strftime("%d/%m/%Y") in text
    # The panel comes before the rest of the page: the status, the summary, the plan.
    assert html.index("returned-panel") < html.index('id="dossier-status"') < html.index('id="plan-title"')

    submit_in_page(client, dossier, covering_note="Đã bổ sung giải pháp theo ý kiến.")
    html = client.get(dossier.get_absolute_url()).content.decode()
    assert "returned-panel" not in html
    # The timeline keeps the return's comments.
    timeline = html[html.index('class="timeline"') :]
    assert "Bổ sung giải pháp về công tác cán bộ" in timeline


def test_a_draft_or_approved_dossier_has_no_returned_panel(client, dossier, ward_official, district_reviewer):
    client.force_login(ward_official)
    assert "returned-panel" not in client.get(dossier.get_absolute_url()).content.decode()
    services.dossier_submit(user=ward_official, dossier=dossier, papers=papers())
    services.dossier_return(user=district_reviewer, dossier=dossier, comment="Bổ sung")
    services.dossier_submit(user=ward_official, dossier=dossier, papers=papers())
    services.dossier_approve(user=district_reviewer, dossier=dossier)
    client.force_login(district_reviewer)
    assert "returned-panel" not in client.get(dossier.get_absolute_url()).content.decode()


# The review queue ------------------------------------------------------------------------------------------------


def submitted_dossiers(ward, official, count):
    organizations = [
        UnitFactory(name=f"Chi bộ số {n + 10}", kind="grassroots", division_type="", parent=ward) for n in range(count)
    ]
    official = User.objects.get(pk=official.pk)  # its scope (cached on the object) read after the new units
    dossiers = []
    for organization in organizations:
        opened = services.dossier_open(
            user=official,
            unit=organization,
            year=2025,
            origin="rating",
            identified_on=date(2026, 1, 5),
            other_reasons="Mất đoàn kết",
            goals="Khôi phục",
        )
        add_tasks(opened, official, count=1)
        dossiers.append(services.dossier_submit(user=official, dossier=opened, papers=papers()))
    return dossiers


def test_the_queue_shows_who_submitted_when_and_the_days_waiting(client, ward, ward_official, district_reviewer):
    ward_official.full_name = "Nguyễn Văn Trình"
    ward_official.save()
    first, second = submitted_dossiers(ward, ward_official, 2)
    today = timezone.localdate()
    # Submitted 3 days ago, at a minute past midnight local time: 3 calendar days, whatever the hour now.
    three_days_ago = timezone.make_aware(datetime.combine(today - timedelta(days=3), time(0, 1)))
    WeakDossier.objects.filter(pk=first.pk).update(submitted_at=three_days_ago)

    client.force_login(district_reviewer)
    response = client.get(reverse("organizations:review_queue"))
    rows = {d.pk: d for d in response.context["submitted"]}
    assert (rows[first.pk].submitted_by_name, rows[first.pk].days_waiting) == ("Nguyễn Văn Trình", 3)
    assert rows[second.pk].days_waiting == 0
    # The longest-waiting first.
    assert [d.pk for d in response.context["submitted"]] == [first.pk, second.pk]
    html = response.content.decode()
    assert gettext("Days waiting") in html and gettext("Submitted by") in html
    assert "Nguyễn Văn Trình" in html and f"{three_days_ago:%d/%m/%Y}" in html


def test_the_submitter_is_the_one_who_sent_it_up_last(ward, ward_official, district_reviewer):

    (dossier,) = submitted_dossiers(ward, ward_official, 1)
    services.dossier_return(user=district_reviewer, dossier=dossier, comment="Bổ sung")
    colleague = user_with_role(ward, Role.WARD_OFFICIAL)
    colleague.full_name = "Trần Thị Trình Lại"
    colleague.save()
    services.dossier_submit(user=colleague, dossier=dossier, papers=papers())
    (row,) = review_queue(user=district_reviewer)["submitted"]
    assert row.submitted_by_name == "Trần Thị Trình Lại"


def test_the_queue_costs_the_same_queries_for_one_dossier_or_five(client, ward, ward_official, district_reviewer):
    submitted_dossiers(ward, ward_official, 1)
    client.force_login(district_reviewer)
    client.get(reverse("organizations:review_queue"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("organizations:review_queue"))
    submitted_dossiers(ward, ward_official, 4)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("organizations:review_queue"))
    assert len(response.context["submitted"]) == 5
    assert len(five) == len(one)


# The papers of a submission -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"covering_note": ""}, {"covering_note": "Write the covering note."}),
        ({"signed_plan": None}, {"signed_plan": "Attach the signed consolidation plan."}),
        (
            {"covering_note": "", "signed_plan": None},
            {"covering_note": "Write the covering note.", "signed_plan": "Attach the signed consolidation plan."},
        ),
    ],
)
def test_submitting_without_the_note_or_the_plan_is_refused_next_to_the_field_and_nothing_is_saved(
    client, dossier, ward_official, overrides, errors
):
    client.force_login(ward_official)
    response = submit_in_page(client, dossier, **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    for field, message in errors.items():
        assert field_error(html, field, "submit") == gettext(message)
    assert re.search(r'<details class="action" open>\s*<summary[^>]*>', html)
    assert 'enctype="multipart/form-data"' in html
    dossier.refresh_from_db()
    assert (dossier.status, dossier.submitted_at) == (DossierStatus.DRAFT, None)
    assert not DossierSubmission.objects.exists()
    assert not dossier.events.filter(to_status=DossierStatus.SUBMITTED).exists()


def test_the_service_refuses_empty_papers_too(dossier, ward_official):
    with pytest.raises(ValidationError) as error:
        services.dossier_submit(user=ward_official, dossier=dossier, papers=services.Papers("   ", None))
    assert set(error.value.message_dict) == {"covering_note", "signed_plan"}
    with pytest.raises(ValidationError) as error:
        services.dossier_submit(user=ward_official, dossier=dossier, papers=services.Papers("x" * 1001, plan()))
    assert set(error.value.message_dict) == {"covering_note"}
    assert WeakDossier.objects.get(pk=dossier.pk).status == DossierStatus.DRAFT


@pytest.mark.parametrize(
    "upload",
    [
        lambda: plan("de-an.exe", b"MZ\x90\x00 executable"),
        lambda: plan("de-an.pdf", b"MZ\x90\x00 an executable renamed"),
        lambda: plan("de-an.pdf", b"%PDF" + b"x" * (1024 * 1024 + 10)),
        lambda: plan("de-an.pdf", b""),
    ],
    ids=["executable", "renamed", "oversized", "empty"],
)
def test_a_hostile_or_oversized_plan_is_refused_next_to_the_field_and_nothing_is_saved(
    client, dossier, ward_official, settings, media_root, upload
):
    settings.ATTACHMENT_MAX_MB = 1
    client.force_login(ward_official)
    response = submit_in_page(client, dossier, signed_plan=upload())
    assert response.status_code == 200
    assert field_error(response.content.decode(), "signed_plan", "submit")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    assert not DossierSubmission.objects.exists()
    stored = list(media_root.rglob("*")) if media_root.exists() else []
    assert not [path for path in stored if path.is_file()]


def test_the_note_and_the_plan_go_up_and_the_reviewer_reads_and_opens_them(
    client, dossier, ward_official, district_reviewer
):
    client.force_login(ward_official)
    response = submit_in_page(client, dossier, covering_note="Kính trình: đề án đã được chi ủy thông qua.")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    submission = DossierSubmission.objects.get(dossier=dossier)
    assert (submission.covering_note, submission.user) == ("Kính trình: đề án đã được chi ủy thông qua.", ward_official)
    # The timeline keeps what the submission said.
    assert dossier.events.get(to_status=DossierStatus.SUBMITTED).note == submission.covering_note

    client.force_login(district_reviewer)
    html = client.get(dossier.get_absolute_url()).content.decode()
    assert "Kính trình: đề án đã được chi ủy thông qua." in html
    url = reverse("organizations:signed_plan_download", args=[submission.pk])
    assert url in html
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_second_submission_shows_its_own_papers_and_keeps_the_first(
    dossier, ward_official, district_reviewer, client
):
    services.dossier_submit(user=ward_official, dossier=dossier, papers=papers("Lần thứ nhất"))
    services.dossier_return(user=district_reviewer, dossier=dossier, comment="Bổ sung")
    services.dossier_submit(user=ward_official, dossier=dossier, papers=papers("Lần thứ hai"))
    assert list(dossier.submissions.values_list("covering_note", flat=True)) == ["Lần thứ hai", "Lần thứ nhất"]
    client.force_login(district_reviewer)
    page = client.get(dossier.get_absolute_url())
    assert page.context["submission"].covering_note == "Lần thứ hai"


# The rating's reason ---------------------------------------------------------------------------------------------


def test_the_reason_typed_on_a_did_not_complete_rating_is_carried_into_the_dossier(grassroots, ward_official):
    regulation = RatingRegulation.objects.get(code="366-QĐ/TW")
    services.rating_record(
        user=ward_official,
        unit=grassroots,
        year=2025,
        regulation=regulation,
        level="not_completed",
        score=40,
        reasons="  Nội bộ mất đoàn kết kéo dài, không hoàn thành chỉ tiêu phát triển đảng viên.  ",
    )
    dossier = WeakDossier.objects.get(unit=grassroots, year=2025)
    assert dossier.other_reasons == "Nội bộ mất đoàn kết kéo dài, không hoàn thành chỉ tiêu phát triển đảng viên."


def test_the_rating_reason_typed_in_the_form_reaches_the_dossier_page(client, grassroots, ward_official):
    regulation = RatingRegulation.objects.get(code="366-QĐ/TW")
    client.force_login(ward_official)
    client.post(
        reverse("organizations:rating_create"),
        {
            "unit": grassroots.pk,
            "year": 2025,
            "regulation": regulation.pk,
            "level": "not_completed",
            "score": "40",
            "reasons": "Chi ủy không họp định kỳ",
        },
    )
    dossier = WeakDossier.objects.get(unit=grassroots, year=2025)
    assert dossier.other_reasons == "Chi ủy không họp định kỳ"
    assert "Chi ủy không họp định kỳ" in client.get(dossier.get_absolute_url()).content.decode()


# Taking off the list with open items -----------------------------------------------------------------------------


def reassessed(dossier, official, reviewer):
    services.dossier_submit(user=official, dossier=dossier, papers=papers())
    services.dossier_approve(user=reviewer, dossier=dossier)
    return services.dossier_reassess(user=reviewer, dossier=dossier, assessment="Đã khắc phục")


def finish_tasks(dossier, official):
    for task in dossier.tasks.all():
        services.task_save(user=official, dossier=dossier, task=task, status=TaskStatus.DONE)


def add_conclusion(dossier, reviewer, done=False):
    services.inspection_record(
        user=reviewer,
        dossier=dossier,
        kind="inspection",
        on=timezone.localdate(),
        team="Đoàn kiểm tra",
        findings="",
        conclusions=[{"text": "Kiện toàn chi ủy", "deadline": None}],
    )
    if done:
        InspectionConclusion.objects.filter(inspection__dossier=dossier).update(done_on=timezone.localdate())


REASON = "Reason for taking off despite open items"


@pytest.mark.parametrize("open_item", ["task", "conclusion"])
def test_taking_off_with_an_open_item_needs_the_reason_next_to_the_field_and_saves_nothing(
    client, dossier, ward_official, district_reviewer, open_item
):
    if open_item == "conclusion":
        finish_tasks(dossier, ward_official)
        add_conclusion(dossier, district_reviewer)
    reassessed(dossier, ward_official, district_reviewer)
    client.force_login(district_reviewer)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert gettext(REASON) in page

    response = client.post(move_url(dossier, "off_list"), {"on": f"{timezone.localdate():%d/%m/%Y}"})
    assert response.status_code == 200
    assert field_error(response.content.decode(), "open_items_reason", "off_list") == gettext(
        "Plan tasks or inspection conclusions are still open: say why the organization is taken off "
        "the list all the same."
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.ended_on) == (DossierStatus.REASSESSED, None)
    assert not dossier.events.filter(to_status=DossierStatus.OFF_LIST).exists()

    # The service refuses it too, on the same field.
    with pytest.raises(ValidationError) as refused:
        services.dossier_take_off_list(
            user=district_reviewer, dossier=dossier, on=timezone.localdate(), open_items_reason="  "
        )
    assert set(refused.value.message_dict) == {"open_items_reason"}


@pytest.mark.parametrize("open_item", ["task", "conclusion"])
def test_taking_off_with_an_open_item_and_the_reason_is_accepted_and_kept_in_the_timeline(
    client, dossier, ward_official, district_reviewer, open_item
):
    if open_item == "conclusion":
        finish_tasks(dossier, ward_official)
        add_conclusion(dossier, district_reviewer)
    reassessed(dossier, ward_official, district_reviewer)
    client.force_login(district_reviewer)
    response = client.post(
        move_url(dossier, "off_list"),
        {"on": f"{timezone.localdate():%d/%m/%Y}", "open_items_reason": "Nhiệm vụ còn lại chuyển sang năm sau"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.OFF_LIST
    note = dossier.events.get(to_status=DossierStatus.OFF_LIST).note
    assert "Nhiệm vụ còn lại chuyển sang năm sau" in note
    html = client.get(dossier.get_absolute_url()).content.decode()
    assert "Nhiệm vụ còn lại chuyển sang năm sau" in html[html.index('class="timeline"') :]


def test_taking_off_with_nothing_open_needs_no_reason(client, dossier, ward_official, district_reviewer):
    finish_tasks(dossier, ward_official)
    add_conclusion(dossier, district_reviewer, done=True)
    # A voided task does not count as open.
    services.task_save(
        user=ward_official,
        dossier=dossier,
        solution="Nhiệm vụ bị hủy",
        task_type="unity",
        owner="Bí thư",
        deadline=timezone.localdate() + timedelta(days=5),
    )
    dossier.tasks.filter(solution="Nhiệm vụ bị hủy").update(is_void=True)
    reassessed(dossier, ward_official, district_reviewer)
    client.force_login(district_reviewer)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert gettext(REASON) not in page
    response = client.post(move_url(dossier, "off_list"), {"on": f"{timezone.localdate():%d/%m/%Y}"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.OFF_LIST
    assert dossier.events.get(to_status=DossierStatus.OFF_LIST).note == ""


# Another ward --------------------------------------------------------------------------------------------------


def test_another_wards_user_gets_404_on_the_new_pages_and_actions(
    client, dossier, ward_official, district_reviewer, other_ward, other_ward_official
):
    services.dossier_submit(user=ward_official, dossier=dossier, papers=papers())
    submission = DossierSubmission.objects.get()
    services.dossier_return(user=district_reviewer, dossier=dossier, comment="Bổ sung")
    client.force_login(other_ward_official)
    assert client.get(reverse("organizations:signed_plan_download", args=[submission.pk])).status_code == 404
    assert client.get(dossier.get_absolute_url()).status_code == 404
    assert submit_in_page(client, dossier).status_code == 404
    assert client.post(move_url(dossier, "off_list"), {"open_items_reason": "x"}).status_code == 404
    assert DossierSubmission.objects.count() == 1
    assert WeakDossier.objects.get(pk=dossier.pk).status == DossierStatus.RETURNED
    # Nor does another ward's reviewer find it in their queue.
    client.force_login(user_with_role(other_ward, Role.DISTRICT_REVIEWER))
    assert client.get(reverse("organizations:review_queue")).context["submitted"] == []
