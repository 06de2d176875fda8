"""Chasing the units below (issue #16 item 7): the due date of a period, who must submit, the daily reminders to
the units that have not (and to the committee above once it is overdue), the submissions page and the home page."""

from datetime import date, timedelta
from importlib import import_module

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.roles import Role
from core.periods import period_bounds
from organizations.choices import UnitKind
from overview.models import Notification
from overview.notifications import send_pending_emails, sweep_submissions
from overview.tasks import daily_sweep
from reports.choices import ReportStatus
from reports.models import Report, SubmissionDueDate, SubmissionRule
from reports.submissions import (
    due_date,
    outstanding_submissions,
    periods_in_chase,
    submission_counts,
    submitting_units,
)
from tests.factories import UnitFactory, user_with_role

# The half year 2026 ends on 14/06/2026 (statistical cut-off); with 5 days it is due on 19/06/2026, and the units
# are reminded 3 days before, on 16/06/2026.
DUE = date(2026, 6, 19)


@pytest.fixture
def rules(db):
    """Only the half-year rule of the seed (5 days, reminded 3 days before), so that no other period is chased."""
    SubmissionRule.objects.all().delete()
    SubmissionDueDate.objects.all().delete()
    return SubmissionRule.objects.create(
        period_kind="half_year", days_after_end=5, remind_days_before=3, basis="Do Ban Chỉ đạo quy định"
    )


def submit(unit, user, *, period_kind="half_year", year=2026, calendar_period=False) -> Report:
    start, end = period_bounds(period_kind, year, calendar=calendar_period)
    return Report.objects.create(
        unit=unit,
        period_kind=period_kind,
        year=year,
        calendar_period=calendar_period,
        start=start,
        end=end,
        requested_by=user,
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=user,
    )


def keys_of(user) -> set[str]:
    return set(Notification.objects.filter(user=user).values_list("key", flat=True))


def test_the_seed_sets_five_days_for_the_half_year_on_the_steering_committees_word(db):
    SubmissionRule.objects.all().delete()
    import_module("reports.migrations.0003_seed_submission_rules").seed(__import__("django.apps").apps.apps, None)
    rule = SubmissionRule.objects.get(period_kind="half_year")
    assert (rule.days_after_end, rule.remind_days_before) == (5, 3)
    assert rule.basis == "Do Ban Chỉ đạo quy định"
    assert due_date("half_year", 2026) == DUE
    assert due_date("year", 2026) == date(2026, 12, 19)


def test_the_due_date_comes_from_the_rule_or_from_an_explicit_date_for_that_period_only(rules):
    assert due_date("half_year", 2026) == DUE
    assert due_date("nine_months", 2026) is None, "no rule, no date: not chased"
    SubmissionDueDate.objects.create(period_kind="half_year", year=2026, due_on=date(2026, 6, 25))
    assert due_date("half_year", 2026) == date(2026, 6, 25)
    assert due_date("half_year", 2027) == date(2027, 6, 19), "the override is for 2026 only"
    rules.days_after_end = 10
    rules.save()
    assert due_date("half_year", 2027) == date(2027, 6, 24)
    assert rules.history.count() == 2, "the rule keeps its history"


def test_who_must_submit_are_todays_committees_directly_below_a_committee(city, ward, other_ward, old_ward, grassroots):
    bloc = UnitFactory(kind=UnitKind.BLOC, parent=city, code="")
    assert set(submitting_units(date(2026, 6, 1))) == {ward, other_ward}
    assert bloc not in submitting_units(date(2026, 6, 1))
    # Before the 2025 reform, the wards under a district submitted to it, and the district to the City.
    assert old_ward in submitting_units(date(2025, 1, 1))


def test_the_chase_reminds_n_days_before_not_n_plus_one_then_on_the_due_day_then_daily(
    rules, ward, ward_official, steering_member
):
    assert sweep_submissions(today=DUE - timedelta(days=4)) == 0, "N+1 days before: too early"
    assert sweep_submissions(today=DUE - timedelta(days=3)) == 1
    assert sweep_submissions(today=DUE - timedelta(days=2)) == 0, "reminded once before the due date"
    assert sweep_submissions(today=DUE) == 1
    assert keys_of(ward_official) == {
        f"report-submission:{ward.pk}:half_year:2026:2026-06-19:due-soon",
        f"report-submission:{ward.pk}:half_year:2026:2026-06-19:due-today",
    }
    assert keys_of(steering_member) == set(), "the committee above is told only after the due date"

    after = DUE + timedelta(days=1)
    assert sweep_submissions(today=after) == 2  # the ward's official and the committee above
    assert sweep_submissions(today=after) == 0, "twice the same day sends once"
    assert sweep_submissions(today=after + timedelta(days=1)) == 2, "and again the next day"
    overdue = Notification.objects.get(user=ward_official, key__endswith=f"overdue:{after.isoformat()}")
    assert "19/06/2026" in overdue.message and ward.name in overdue.message
    assert overdue.url == f"{reverse('reports:report_request')}?unit={ward.pk}&period_kind=half_year&year=2026"
    above = Notification.objects.get(user=steering_member, key__endswith=after.isoformat())
    assert ward.name in above.message
    assert above.url == f"{reverse('reports:submissions', args=[ward.parent_id])}?period_kind=half_year&year=2026"


def test_the_reminder_links_to_the_version_compiled_to_submit_it(rules, ward, ward_official):
    start, end = period_bounds("half_year", 2026)
    for version, status in ((1, ReportStatus.FROZEN), (2, ReportStatus.FAILED)):
        frozen = Report.objects.create(
            unit=ward, period_kind="half_year", year=2026, start=start, end=end, version=version,
            requested_by=ward_official, status=status,
        )  # fmt: skip
        if version == 1:
            expected = frozen.get_absolute_url()
    sweep_submissions(today=DUE)
    assert Notification.objects.get(user=ward_official).url == expected


def test_a_unit_that_submitted_is_not_chased_and_the_other_ward_is_not_told_of_it(
    rules, ward, other_ward, ward_official, other_ward_official, steering_member
):
    submit(ward, ward_official)
    assert sweep_submissions(today=DUE + timedelta(days=1)) == 2  # the other ward's official and the City
    assert keys_of(ward_official) == set()
    assert keys_of(other_ward_official) == {
        f"report-submission:{other_ward.pk}:half_year:2026:2026-06-19:overdue:2026-06-20"
    }
    above = Notification.objects.get(user=steering_member)
    assert other_ward.name in above.message and ward.name not in above.message


def test_a_submission_counts_for_the_period_kind_and_year_not_another_year_nor_a_version_not_submitted(
    rules, ward, ward_official
):
    submit(ward, ward_official, year=2025)
    start, end = period_bounds("half_year", 2026)
    Report.objects.create(
        unit=ward, period_kind="half_year", year=2026, start=start, end=end, requested_by=ward_official,
        status=ReportStatus.FROZEN,
    )  # fmt: skip
    [row] = outstanding_submissions(today=DUE)
    assert ward in row.units
    submit(ward, ward_official, calendar_period=True)
    [row] = outstanding_submissions(today=DUE)
    assert ward not in row.units, "a calendar-period version submitted is the unit's report of the period"


def test_an_explicit_later_due_date_moves_the_reminders(rules, ward, ward_official):
    SubmissionDueDate.objects.create(period_kind="half_year", year=2026, due_on=date(2026, 6, 30))
    assert sweep_submissions(today=DUE) == 0, "11 days before the new due date"
    assert sweep_submissions(today=date(2026, 6, 27)) == 1
    assert keys_of(ward_official) == {f"report-submission:{ward.pk}:half_year:2026:2026-06-30:due-soon"}


def test_a_period_is_chased_until_the_next_of_its_kind_opens(rules):
    assert [(p.kind, p.year) for p in periods_in_chase(date(2027, 6, 15))] == [("half_year", 2026)]
    assert [(p.kind, p.year) for p in periods_in_chase(date(2027, 6, 16))] == [("half_year", 2027)]
    assert [(p.kind, p.year) for p in periods_in_chase(date(2026, 6, 15))] == [("half_year", 2025)]
    assert [p.due_on for p in periods_in_chase(date(2026, 6, 16))] == [DUE]


def test_a_ward_formed_after_a_period_ended_owes_nothing_for_it(rules, ward, old_ward, ward_official):
    """The wards formed on 1 Jul 2025 owe no report for the half year ended 14 Jun 2025."""
    assert sweep_submissions(today=date(2025, 6, 20)) == 0
    [row] = outstanding_submissions(today=date(2026, 6, 15))
    assert (row.period.year, row.units) == (2025, [])


def test_reviewers_of_another_committee_and_officials_without_the_compile_right_are_not_notified(
    rules, city, ward, ward_official
):
    admin = user_with_role(ward, Role.ADMINISTRATOR)
    city_admin = user_with_role(city, Role.ADMINISTRATOR)
    sweep_submissions(today=DUE + timedelta(days=1))
    assert keys_of(admin) == set() and keys_of(city_admin) == set()
    assert keys_of(ward_official)


def test_the_daily_sweep_chases_and_emails_once(rules, ward, ward_official):
    ward_official.email = "phuong@example.gov.vn"
    ward_official.save(update_fields=["email"])
    first = daily_sweep.delay(on=DUE.isoformat()).get()
    assert (first["submissions"], first["emails"]) == (1, 1)
    second = daily_sweep.delay(on=DUE.isoformat()).get()
    assert (second["submissions"], second["emails"]) == (0, 0)
    assert send_pending_emails() == 0 and len(mail.outbox) == 1
    assert ward.name in mail.outbox[0].body and "/reports/new/" in mail.outbox[0].body


def test_the_chase_costs_the_same_queries_for_two_wards_or_126(rules, city, ward, other_ward, steering_member):
    user_with_role(ward)
    with CaptureQueriesContext(connection) as few:
        sweep_submissions(today=DUE + timedelta(days=1))
    Notification.objects.all().delete()
    for _ in range(124):
        user_with_role(UnitFactory(parent=city, valid_from=date(2025, 7, 1)))
    with CaptureQueriesContext(connection) as many:
        # The officials of the ward and of the 124 new ones (the other ward has none), and the City.
        assert sweep_submissions(today=DUE + timedelta(days=1)) == 125 + 1
    assert len(many) == len(few)
    above = Notification.objects.get(user=steering_member)
    assert len(above.message) <= 500 and gettext(" and {count} more").split("{")[0].strip() in above.message


@pytest.fixture
def around_today(rules):
    """The half year of this year due in two days (an explicit date): the home page and the submissions page work
    on today's date."""
    today = timezone.localdate()
    return SubmissionDueDate.objects.create(period_kind="half_year", year=today.year, due_on=today + timedelta(days=2))


def test_the_submissions_page_shows_each_units_state_and_the_due_date(
    client, around_today, city, ward, other_ward, ward_official, steering_member
):
    submit(ward, ward_official, year=around_today.year)
    client.force_login(steering_member)
    url = reverse("reports:submissions", args=[city.pk])
    page = client.get(url, {"period_kind": "half_year", "year": around_today.year})
    assert page.context["due_on"] == around_today.due_on
    states = {row.unit: (row.state, row.days_overdue) for row in page.context["submissions"]}
    assert states == {ward: ("submitted", 0), other_ward: ("waiting", 0)}
    assert around_today.due_on.strftime("%d/%m/%Y") in page.content.decode()

    around_today.due_on = timezone.localdate() - timedelta(days=4)
    around_today.save()
    page = client.get(url, {"period_kind": "half_year", "year": around_today.year})
    states = {row.unit: (row.state, row.days_overdue) for row in page.context["submissions"]}
    assert states[other_ward] == ("overdue", 4)
    assert page.context["overdue_count"] == 1 and page.context["submitted_count"] == 1


def test_a_ward_official_sees_neither_the_citys_page_nor_the_other_wards_state(
    client, around_today, city, ward, other_ward, ward_official
):
    client.force_login(ward_official)
    assert client.get(reverse("reports:submissions", args=[city.pk])).status_code == 404
    assert client.get(reverse("reports:submissions", args=[other_ward.pk])).status_code == 404
    assert submission_counts(user=ward_official, today=timezone.localdate()) == []
    assert client.get(reverse("overview:home")).context["submissions"] == []


def test_the_home_page_of_the_committee_above_counts_waiting_then_overdue(
    client, around_today, city, ward, other_ward, ward_official, steering_member
):
    UnitFactory(parent=city, valid_from=date(2025, 7, 1))
    submit(ward, ward_official, year=around_today.year)
    client.force_login(steering_member)
    [row] = client.get(reverse("overview:home")).context["submissions"]
    assert (row.parent, row.waiting, row.overdue) == (city, 2, 0)
    assert row.url == f"{reverse('reports:submissions', args=[city.pk])}?period_kind=half_year&year={around_today.year}"

    around_today.due_on = timezone.localdate() - timedelta(days=1)
    around_today.save()
    page = client.get(reverse("overview:home"))
    [row] = page.context["submissions"]
    assert (row.waiting, row.overdue) == (0, 2)
    assert (
        gettext("Reports overdue") in page.content.decode() and row.url.replace("&", "&amp;") in page.content.decode()
    )


def test_the_home_page_counts_cost_the_same_queries_for_two_wards_or_126(
    client, around_today, city, ward, other_ward, steering_member
):
    submission_counts(user=steering_member, today=timezone.localdate())  # the role assignments, once per request
    with CaptureQueriesContext(connection) as few:
        submission_counts(user=steering_member, today=timezone.localdate())
    for _ in range(124):
        UnitFactory(parent=city, valid_from=date(2025, 7, 1))
    with CaptureQueriesContext(connection) as many:
        [row] = submission_counts(user=steering_member, today=timezone.localdate())
    assert row.waiting == 126
    assert len(many) == len(few) <= 4


def test_the_submissions_page_costs_the_same_queries_for_two_wards_or_126(
    client, around_today, city, ward, other_ward, ward_official, steering_member
):
    submit(ward, ward_official, year=around_today.year)
    client.force_login(steering_member)
    url = reverse("reports:submissions", args=[city.pk])
    query = {"period_kind": "half_year", "year": around_today.year}
    client.get(url, query)
    with CaptureQueriesContext(connection) as few:
        client.get(url, query)
    for _ in range(124):
        submit(UnitFactory(parent=city, valid_from=date(2025, 7, 1)), ward_official, year=around_today.year)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, query)
    assert page.context["submitted_count"] == 125 and page.context["waiting_count"] == 1
    assert len(many) == len(few)


def test_administrators_keep_the_rules_and_due_dates_with_their_history(client, rules):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:reports_submissionrule_changelist")).status_code == 200
    response = client.post(
        reverse("admin:reports_submissionrule_change", args=[rules.pk]),
        {"period_kind": "half_year", "days_after_end": 7, "remind_days_before": 2, "basis": rules.basis},
    )
    assert response.status_code == 302
    assert due_date("half_year", 2026) == date(2026, 6, 21)
    assert client.get(reverse("admin:reports_submissionrule_history", args=[rules.pk])).status_code == 200
    assert rules.history.count() == 2
    response = client.post(
        reverse("admin:reports_submissionduedate_add"),
        {"period_kind": "half_year", "year": 2026, "due_on": "2026-06-30", "basis": ""},
    )
    assert response.status_code == 302
    assert due_date("half_year", 2026) == date(2026, 6, 30)
