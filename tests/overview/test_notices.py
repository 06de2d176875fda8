"""Inboxes and notices (issue #17 part 4): who is told of a dossier submitted, returned or approved, of a case
assigned, of plan tasks and inspection conclusions coming due; the absolute links of their e-mails (SITE_URL and
its deploy check); what waits for each role at the top of the home page; the sweep without a broker."""

import email
import os
import socket
import subprocess
import sys
import threading
from datetime import date, timedelta
from email import policy
from pathlib import Path

import pytest
from django.core import mail
from django.core.checks import registry
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role
from cases import services as case_services
from cases.choices import CaseStatus
from core.checks import check_site_url
from organizations import services
from organizations.choices import DossierStatus, TaskStatus
from organizations.models import InspectionConclusion, PlanTask, WeakDossier, WeakReason
from overview.models import Notification
from overview.notifications import notify_case_assigned, notify_dossier_moved, sweep_plan_deadlines
from reports.models import SubmissionDueDate, SubmissionRule
from tests.core.test_production_mail import smtp_sink
from tests.factories import CaseFactory, UnitFactory, user_with_role
from tests.organizations.test_dossiers import add_tasks

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://sotheodoi.example.gov.vn"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.PLAN_DUE_SOON_DAYS = 7


def notices(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("pk"))


def give_emails(*users) -> None:
    for user in users:
        user.email = f"{user.username}@example.gov.vn"
        user.save(update_fields=["email"])


def mail_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


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


# SITE_URL and its deploy check ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site_url", "ids"),
    [
        ("", {"core.E101"}),
        ("   ", {"core.E101"}),
        ("http://sotheodoi.example.gov.vn", {"core.W102"}),
        ("https://localhost:8443", {"core.E103"}),
        ("http://127.0.0.1:8000", {"core.W102", "core.E103"}),
        ("https://", {"core.E103"}),
        (SITE, set()),
    ],
)
def test_the_deploy_check_refuses_site_url_missing_not_https_or_this_machine(settings, site_url, ids):
    settings.SITE_URL = site_url
    assert {message.id for message in check_site_url()} == ids


def test_the_site_url_check_runs_under_check_deploy_only():
    assert check_site_url in registry.registry.get_checks(include_deployment_checks=True)
    assert check_site_url not in registry.registry.get_checks(include_deployment_checks=False)


def production_check(**extra: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789-abcdefghij",
        "DJANGO_ALLOWED_HOSTS": "sotheodoi.example.gov.vn",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/sotheodoi",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/7",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_fails_without_site_url_and_passes_with_it():
    missing = production_check()
    assert missing.returncode != 0
    assert "core.E101" in missing.stderr + missing.stdout
    local = production_check(SITE_URL="https://localhost")
    assert local.returncode != 0 and "core.E103" in local.stderr + local.stdout
    good = production_check(SITE_URL=SITE)
    assert "core.E10" not in good.stderr + good.stdout and "core.W102" not in good.stderr + good.stdout


# Dossier moves ------------------------------------------------------------------------------------------------


def test_a_submission_tells_the_reviewers_of_the_committee_above_in_the_app_and_by_email_after_commit(
    dossier, grassroots, ward_official, district_reviewer, steering_member, django_capture_on_commit_callbacks
):
    other_official = user_with_role(grassroots.parent, Role.WARD_OFFICIAL)
    give_emails(district_reviewer, ward_official)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.dossier_submit(user=ward_official, dossier=dossier)
    assert Notification.objects.count() == 0, "nothing before the move is committed"
    for callback in callbacks:
        callback()

    [notice] = notices(district_reviewer)
    assert notice.message == gettext("The dossier of {unit} ({year}) was submitted to you for review.").format(
        unit=grassroots.name, year=2025
    )
    assert notice.url == dossier.get_absolute_url()
    assert notices(ward_official) == [] and notices(other_official) == [], "not the organization's committee"
    assert notices(steering_member) == [], "the nearest committee above with reviewers, not every one up the tree"
    [sent] = mail_to(district_reviewer)
    assert f"{SITE}{dossier.get_absolute_url()}" in sent.body
    assert f"{SITE}{reverse('overview:notifications')}" in sent.body
    Notification.objects.filter(user=district_reviewer).update(emailed_at=None)
    assert notify_dossier_moved(dossier_id=dossier.pk, move="submit", actor_id=ward_official.pk) == 0, "once"


def test_a_refused_submission_tells_nobody(
    grassroots, ward_official, district_reviewer, django_capture_on_commit_callbacks
):
    incomplete = services.dossier_open(
        user=ward_official, unit=grassroots, year=2025, origin="rating", identified_on=date(2026, 1, 5)
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.dossier_submit(user=ward_official, dossier=incomplete)
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_return_and_an_approval_tell_the_organizations_committee_and_a_new_submission_is_told_again(
    dossier, grassroots, ward_official, district_reviewer, django_capture_on_commit_callbacks
):
    give_emails(ward_official, district_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_submit(user=ward_official, dossier=dossier)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_return(user=district_reviewer, dossier=dossier, comment="Bổ sung giải pháp cán bộ")
    [returned] = notices(ward_official)
    assert returned.message == gettext("The dossier of {unit} ({year}) was returned with comments: {comments}").format(
        unit=grassroots.name, year=2025, comments="Bổ sung giải pháp cán bộ"
    )
    assert returned.url == dossier.get_absolute_url()
    assert f"{SITE}{dossier.get_absolute_url()}" in mail_to(ward_official)[0].body
    assert len(notices(district_reviewer)) == 1, "the reviewer who returned it is not told of their own move"

    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_submit(user=ward_official, dossier=dossier)
    assert len(notices(district_reviewer)) == 2, "the second submission is a new notice"
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_approve(user=district_reviewer, dossier=dossier)
    approved = notices(ward_official)[-1]
    assert approved.message == gettext(
        "The dossier of {unit} ({year}) and its consolidation plan were approved."
    ).format(unit=grassroots.name, year=2025)
    assert approved.url == dossier.get_absolute_url()
    assert len(mail_to(ward_official)) == 2


def test_without_a_reviewer_at_the_ward_the_next_committee_up_is_told(
    dossier, ward_official, steering_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_submit(user=ward_official, dossier=dossier)
    assert [n.url for n in notices(steering_member)] == [dossier.get_absolute_url()]


# Case assignment ----------------------------------------------------------------------------------------------


def test_an_assigned_handler_is_told_once_with_the_link_not_when_assigning_themselves(
    ward, ward_official, django_capture_on_commit_callbacks
):
    handler = user_with_role(ward, Role.WARD_OFFICIAL)
    give_emails(handler)
    case = CaseFactory(unit=ward, status=CaseStatus.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_assign(user=ward_official, case=case, handler=handler)
    [notice] = notices(handler)
    assert notice.message == gettext("Case {number} was assigned to you by {name}.").format(
        number=case.number, name=ward_official
    )
    assert notice.url == case.get_absolute_url()
    [sent] = mail_to(handler)
    assert f"{SITE}{case.get_absolute_url()}" in sent.body
    assert notify_case_assigned(case_id=case.pk, handler_id=handler.pk, actor_id=ward_official.pk) == 0, "once"

    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_assign(user=ward_official, case=case, handler=None)
        case_services.case_assign(user=ward_official, case=case, handler=ward_official)
    assert notices(ward_official) == [], "nobody to tell on unassigning, nor on taking the case oneself"
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_assign(user=ward_official, case=case, handler=handler)
    assert len(notices(handler)) == 2, "assigned again later: told again"


def test_the_assignment_email_reaches_a_real_smtp_server_with_the_absolute_link(
    settings, ward, ward_official, django_capture_on_commit_callbacks
):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    received: list[bytes] = []
    thread = threading.Thread(target=smtp_sink, args=(server, received), daemon=True)
    thread.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.getsockname()[1], "timeout": 10},
        }
    }
    handler = user_with_role(ward, Role.WARD_OFFICIAL, user__email="xuly@example.gov.vn")
    case = CaseFactory(unit=ward, status=CaseStatus.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_assign(user=ward_official, case=case, handler=handler)
    thread.join(timeout=10)
    server.close()

    raw = b"\r\n".join(line.rstrip(b"\r\n") for line in received)
    assert b"rcpt to:<xuly@example.gov.vn>" in raw.lower()
    message = email.message_from_bytes(
        raw[raw.lower().index(b"\r\n", raw.lower().index(b"data")) + 2 :], policy=policy.default
    )
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert f"{SITE}{case.get_absolute_url()}" in body
    assert Notification.objects.get(user=handler).emailed_at is not None


# Plan tasks and inspection conclusions coming due --------------------------------------------------------------


@pytest.fixture
def consolidating(dossier, ward_official, district_reviewer):
    services.dossier_submit(user=ward_official, dossier=dossier)
    services.dossier_approve(user=district_reviewer, dossier=dossier)
    PlanTask.objects.filter(dossier=dossier).delete()
    return dossier


def test_plan_tasks_and_conclusions_coming_due_are_told_once_to_the_organizations_committee(
    consolidating, grassroots, ward_official, district_reviewer
):
    today = timezone.localdate()
    due = PlanTask.objects.create(
        dossier=consolidating,
        solution="Kiện toàn cấp ủy",
        task_type="cadre_work",
        owner="Bí thư",
        deadline=today + timedelta(days=7),
    )
    PlanTask.objects.create(  # one day outside the window
        dossier=consolidating,
        solution="Sinh hoạt chuyên đề",
        task_type="unity",
        owner="Bí thư",
        deadline=today + timedelta(days=8),
    )
    PlanTask.objects.create(  # done already
        dossier=consolidating,
        solution="Đã xong",
        task_type="unity",
        owner="Bí thư",
        deadline=today + timedelta(days=2),
        status=TaskStatus.DONE,
        done_on=today,
    )
    PlanTask.objects.create(  # already late: the review queue lists it
        dossier=consolidating, solution="Quá hạn", task_type="unity", owner="Bí thư", deadline=today - timedelta(days=1)
    )
    inspection = services.inspection_record(
        user=district_reviewer,
        dossier=consolidating,
        kind="inspection",
        on=today,
        team="Tổ kiểm tra",
        findings="",
        conclusions=[
            {"text": "Khắc phục mất đoàn kết", "deadline": today},
            {"text": "Không thời hạn", "deadline": None},
        ],
    )
    conclusion = InspectionConclusion.objects.get(inspection=inspection, deadline=today)

    assert sweep_plan_deadlines(today=today) == 2
    by_key = {n.key: n for n in notices(ward_official)}
    task_notice = by_key[f"plan-task-due:{due.pk}:{due.deadline.isoformat()}"]
    assert task_notice.message == gettext("{unit}: the plan task “{task}” is due on {date}.").format(
        unit=grassroots.name, task="Kiện toàn cấp ủy", date=due.deadline.strftime("%d/%m/%Y")
    )
    assert task_notice.url == consolidating.get_absolute_url()
    conclusion_notice = by_key[f"conclusion-due:{conclusion.pk}:{today.isoformat()}"]
    assert conclusion_notice.message == gettext(
        "{unit}: the inspection conclusion “{conclusion}” is due on {date}."
    ).format(unit=grassroots.name, conclusion="Khắc phục mất đoàn kết", date=today.strftime("%d/%m/%Y"))
    assert notices(district_reviewer) == [], "the organization's committee carries the plan out"
    assert sweep_plan_deadlines(today=today) == 0, "a second run the same day tells nothing new"
    assert sweep_plan_deadlines(today=today + timedelta(days=1)) == 1, "the task one day further comes in"

    PlanTask.objects.filter(pk=due.pk).update(deadline=today + timedelta(days=5))
    assert sweep_plan_deadlines(today=today) == 1, "a deadline moved is told afresh"


def test_the_tasks_of_a_plan_not_yet_approved_are_not_chased(dossier, ward_official):
    today = timezone.localdate()
    PlanTask.objects.filter(dossier=dossier).update(deadline=today + timedelta(days=1))
    assert dossier.status == DossierStatus.DRAFT
    assert sweep_plan_deadlines(today=today) == 0


def test_the_daily_sweep_command_reminds_plans_and_emails_them(consolidating, ward_official, capsys):
    today = timezone.localdate()
    PlanTask.objects.create(
        dossier=consolidating, solution="Kiện toàn", task_type="cadre_work", owner="Bí thư", deadline=today
    )
    give_emails(ward_official)
    mail.outbox.clear()
    call_command("run_daily_sweep", on=today.isoformat())
    assert "deadlines: 1" in capsys.readouterr().out
    [sent] = mail_to(ward_official)
    assert f"{SITE}{consolidating.get_absolute_url()}" in sent.body
    call_command("run_daily_sweep", on=today.isoformat())
    assert len(mail_to(ward_official)) == 1, "idempotent"
    with pytest.raises(CommandError):
        call_command("run_daily_sweep", on="15/04/2026")


# What waits for each role ---------------------------------------------------------------------------------------


def inbox_counts(client, user) -> dict[str, tuple[int, str]]:
    client.force_login(user)
    return {item.name: (item.count, item.url) for item in client.get(reverse("overview:home")).context["inbox"]}


@pytest.fixture
def half_year_due_soon(db):
    SubmissionRule.objects.all().delete()
    SubmissionDueDate.objects.all().delete()
    SubmissionRule.objects.create(period_kind="half_year", days_after_end=5, remind_days_before=3, basis="BCĐ")
    today = timezone.localdate()
    SubmissionDueDate.objects.create(period_kind="half_year", year=today.year, due_on=today + timedelta(days=2))


def test_a_ward_official_sees_returned_dossiers_cases_assigned_and_reports_to_submit(
    client, dossier, ward, ward_official, district_reviewer, half_year_due_soon
):
    services.dossier_submit(user=ward_official, dossier=dossier)
    services.dossier_return(user=district_reviewer, dossier=dossier, comment="Bổ sung")
    CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, handler=ward_official)
    CaseFactory(unit=ward, status=CaseStatus.CONCLUDED, handler=ward_official)  # closed: not waiting
    CaseFactory(unit=ward, status=CaseStatus.ACCEPTED)  # someone else's

    counts = inbox_counts(client, ward_official)
    assert counts["dossiers_returned"] == (1, f"{reverse('organizations:dossier_list')}?status=returned")
    assert counts["cases_assigned"][0] == 1
    assert f"handler={ward_official.pk}" in counts["cases_assigned"][1]
    listed = client.get(counts["cases_assigned"][1]).context["page_obj"].object_list
    assert [case.handler_id for case in listed] == [ward_official.pk]
    assert counts["reports_to_submit"][0] == 1
    assert ward.pk and str(ward.pk) in counts["reports_to_submit"][1]
    assert "dossiers_to_review" not in counts, "an official does not review"
    html = client.get(reverse("overview:home")).content.decode()
    assert html.index('id="inbox"') < html.index(gettext("Cases being handled"))


def test_a_reviewer_sees_dossiers_to_review_and_conclusions_due(
    client, consolidating, dossier, grassroots, ward, ward_official, district_reviewer
):
    today = timezone.localdate()
    unit = UnitFactory(name="Chi bộ số 2", kind="grassroots", division_type="", parent=ward, code="")
    ward_official = User.objects.get(pk=ward_official.pk)  # its scope, cached on the object, now has the new unit
    second = services.dossier_open(
        user=ward_official,
        unit=unit,
        year=2025,
        origin="rating",
        identified_on=date(2026, 1, 5),
        reasons=WeakReason.objects.filter(code="mat-doan-ket"),
        goals="Củng cố",
    )
    add_tasks(second, ward_official, count=1)
    services.dossier_submit(user=ward_official, dossier=second)
    services.inspection_record(
        user=district_reviewer,
        dossier=consolidating,
        kind="inspection",
        on=today,
        team="Tổ kiểm tra",
        findings="",
        conclusions=[
            {"text": "Sắp đến hạn", "deadline": today + timedelta(days=7)},
            {"text": "Còn xa", "deadline": today + timedelta(days=8)},
            {"text": "Quá hạn", "deadline": today - timedelta(days=3)},
        ],
    )
    counts = inbox_counts(client, district_reviewer)
    assert counts["dossiers_to_review"] == (1, reverse("organizations:review_queue"))
    assert counts["conclusions_due"] == (2, reverse("organizations:review_queue"))
    # A ward's own reviewer does not review the ward's dossier (the committee above does): outside the count.
    assert "dossiers_returned" not in counts


def test_the_steering_committee_sees_submissions_waiting_and_nothing_it_has_no_right_to(
    client, ward, steering_member, half_year_due_soon
):
    client.force_login(steering_member)
    page = client.get(reverse("overview:home"))
    [row] = page.context["submissions"]
    assert (row.waiting, row.overdue) == (1, 0)
    assert {item.name for item in page.context["inbox"]} == {"dossiers_to_review", "conclusions_due"}


def home_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("overview:home"))  # warm the session and the per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("overview:home")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [Role.WARD_OFFICIAL, Role.DISTRICT_REVIEWER])
def test_the_inbox_costs_the_same_queries_for_one_item_or_several(
    client, ward, ward_official, district_reviewer, half_year_due_soon, role
):
    user = user_with_role(ward, role)

    def add_items():
        CaseFactory(unit=ward, status=CaseStatus.ACCEPTED, handler=user)
        organization = UnitFactory(kind="grassroots", division_type="", parent=ward, code="")
        for status in (DossierStatus.SUBMITTED, DossierStatus.RETURNED):
            WeakDossier.objects.create(
                unit=organization,
                year=2025,
                origin="designated",
                identified_on=date(2026, 1, 5),
                status=status,
                created_by=ward_official,
            )

    add_items()
    one = home_queries(client, user)
    for _n in range(3):
        add_items()
        UnitFactory(parent=ward.parent, name=f"Phường mới {_n}", valid_from=date(2025, 7, 1))
    several = home_queries(client, user)
    assert several == one
    counts = inbox_counts(client, user)
    if role == Role.WARD_OFFICIAL:
        assert counts["cases_assigned"][0] == 4 and counts["dossiers_returned"][0] == 4
    else:
        assert counts["dossiers_to_review"][0] == 4


def test_the_wards_inbox_counts_the_transfers_waiting_for_its_acknowledgement(
    client, ward, other_ward, ward_official, other_ward_official
):
    from cases.transfers import transfer_acknowledge, transfer_letter
    from overview.inbox import inbox
    from tests.factories import LetterFactory, field

    letter = LetterFactory(unit=other_ward, content="feedback", field=field(), is_processable=True)
    transfer = transfer_letter(user=other_ward_official, letter=letter, reason="Thuộc thẩm quyền phường", to_unit=ward)
    items = {item.name: item for item in inbox(user=ward_official, today=timezone.localdate())}
    assert (items["transfers_to_acknowledge"].count, items["transfers_to_acknowledge"].url) == (
        1,
        reverse("cases:transfer_inbox"),
    )
    assert "transfers_to_acknowledge" not in {
        i.name: i for i in inbox(user=other_ward_official, today=timezone.localdate()) if i.count
    }
    transfer_acknowledge(user=ward_official, transfer=transfer)
    items = {item.name: item for item in inbox(user=ward_official, today=timezone.localdate())}
    assert items["transfers_to_acknowledge"].count == 0


def test_each_step_of_a_transfer_tells_the_other_unit_with_an_absolute_link(
    ward, other_ward, ward_official, other_ward_official, district_reviewer, django_capture_on_commit_callbacks
):
    """Sent and urged: the receiving ward's officials, linked to the transfer in their inbox. Acknowledged,
    registered, returned: the sending ward's officials, linked to their own letter. Never the actor, once a step."""
    from datetime import timedelta

    from cases.models import Transfer
    from cases.transfers import transfer_acknowledge, transfer_letter, transfer_register, transfer_return, transfer_urge
    from tests.factories import LetterFactory, field

    sender_colleague = user_with_role(other_ward, Role.WARD_OFFICIAL)
    give_emails(ward_official, sender_colleague)

    def letter():
        return LetterFactory(unit=other_ward, content="feedback", field=field(), is_processable=True)

    with django_capture_on_commit_callbacks(execute=True):
        first = transfer_letter(user=other_ward_official, letter=letter(), reason="Thuộc địa bàn phường", to_unit=ward)
    [notice] = notices(ward_official)
    assert notice.message == gettext("{from} transferred {record} to your unit: {reason}").format(
        **{"from": other_ward.name, "record": str(first.letter), "reason": "Thuộc địa bàn phường"}
    )
    assert notice.url == reverse("cases:transfer_detail", args=[first.pk])
    assert f"{SITE}{notice.url}" in mail_to(ward_official)[0].body
    assert notices(other_ward_official) == [] and notices(district_reviewer) == []

    with django_capture_on_commit_callbacks(execute=True):
        transfer_acknowledge(user=ward_official, transfer=first)
        transfer_register(user=ward_official, transfer=Transfer.objects.get(pk=first.pk))
    first.refresh_from_db()
    told = [notice.message for notice in notices(sender_colleague)]
    assert gettext("{to} acknowledged receipt of {record}.").format(to=ward.name, record=str(first.letter)) in told
    assert (
        gettext("{to} registered {record} in its register as letter {number}.").format(
            to=ward.name, record=str(first.letter), number=first.registered_letter.number
        )
        in told
    )
    assert {notice.url for notice in notices(sender_colleague)} == {first.letter.get_absolute_url()}
    assert all(f"{SITE}{first.letter.get_absolute_url()}" in sent.body for sent in mail_to(sender_colleague))
    assert len(notices(other_ward_official)) == 2, "the one who sent it is told too, as one of the ward's officials"
    assert notices(district_reviewer) == []

    with django_capture_on_commit_callbacks(execute=True):
        second = transfer_letter(user=other_ward_official, letter=letter(), reason="Thuộc địa bàn phường", to_unit=ward)
        transfer_return(user=ward_official, transfer=second, reason="Không thuộc địa bàn")
    assert gettext("{to} returned {record}: {reason}").format(
        to=ward.name, record=str(second.letter), reason="Không thuộc địa bàn"
    ) in [notice.message for notice in notices(sender_colleague)]

    with django_capture_on_commit_callbacks(execute=True):
        third = transfer_letter(user=other_ward_official, letter=letter(), reason="Thuộc địa bàn phường", to_unit=ward)
    Transfer.objects.filter(pk=third.pk).update(sent_on=timezone.localdate() - timedelta(days=11))
    before = len(notices(ward_official))
    with django_capture_on_commit_callbacks(execute=True):
        transfer_urge(user=other_ward_official, transfer=Transfer.objects.get(pk=third.pk), note="Đề nghị sớm xử lý")
    urged = notices(ward_official)[before:]
    assert [(notice.message, notice.url) for notice in urged] == [
        (
            gettext("{from} urges your unit about {record}, transferred on {date}.")
            .format(
                **{"from": other_ward.name, "record": str(third.letter), "date": third.sent_on.strftime("%d/%m/%Y")}
            )
            .replace(
                third.sent_on.strftime("%d/%m/%Y"), (timezone.localdate() - timedelta(days=11)).strftime("%d/%m/%Y")
            ),
            reverse("cases:transfer_detail", args=[third.pk]),
        )
    ]
