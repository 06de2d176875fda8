from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Report


@pytest.fixture
def report(ward, ward_official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = services.report_request(user=ward_official, unit=ward, period_kind="half_year", year=2026)
    return Report.objects.get(pk=made.pk)


def test_compiling_twice_gives_one_result_and_a_missing_report_is_ignored(report):
    figures = report.figures
    services.report_compile(report_id=report.pk)
    report.refresh_from_db()
    assert report.figures == figures and Report.objects.count() == 1
    services.report_compile(report_id=999_999)


def test_a_failure_is_recorded_with_a_reason(ward, ward_official):
    made = services.report_request(user=ward_official, unit=ward, period_kind="year", year=2025)
    from reports.tasks import compile_report

    with mock.patch("reports.services.compile_figures", side_effect=RuntimeError("hỏng")), pytest.raises(RuntimeError):
        compile_report.apply(args=[made.pk], throw=True)
    made.refresh_from_db()
    assert made.status == "failed" and "hỏng" in made.error


def test_stuck_reports_are_requeued_or_failed(ward, ward_official):
    waiting = services.report_request(user=ward_official, unit=ward, period_kind="year", year=2025)
    Report.objects.filter(pk=waiting.pk).update(requested_at=timezone.now() - timedelta(minutes=10))
    running = services.report_request(user=ward_official, unit=ward, period_kind="quarter_1", year=2026)
    Report.objects.filter(pk=running.pk).update(status="running", started_at=timezone.now() - timedelta(hours=2))
    assert services.reports_requeue_stuck() == (1, 1)
    waiting.refresh_from_db()
    running.refresh_from_db()
    assert waiting.status == "done" and running.status == "failed" and running.error


def test_only_roles_with_the_compile_right_compile_and_not_for_other_units(
    ward, other_ward, ward_official, steering_member
):
    from tests.factories import user_with_role

    admin = user_with_role(ward, "administrator")
    with pytest.raises(PermissionDenied):
        services.report_request(user=admin, unit=ward, period_kind="half_year", year=2026)
    with pytest.raises(PermissionDenied):
        services.report_request(user=ward_official, unit=other_ward, period_kind="half_year", year=2026)
    with pytest.raises(ValidationError):
        services.report_request(
            user=ward_official, unit=ward, period_kind="half_year", year=timezone.localdate().year + 2
        )


def test_freeze_then_submit_once_and_the_level_above_sees_it(client, report, ward_official, steering_member, city):
    with pytest.raises(ValidationError):
        services.report_submit(user=ward_official, report=report)
    services.report_freeze(user=ward_official, report=report)
    services.report_submit(user=ward_official, report=report)
    client.force_login(steering_member)
    page = client.get(reverse("reports:submissions", args=[city.pk]), {"period_kind": "half_year", "year": 2026})
    rows = dict(page.context["rows"])
    assert [r.pk for r in rows.values() if r] == [report.pk]
    sessions = next(r for s in page.context["rollup"] for r in s["rows"] if r["code"] == "sessions")
    assert sessions["value"] == next(
        r["value"] for r in report.figures["sections"][1]["rows"] if r["code"] == "sessions"
    )


def test_the_report_page_polls_while_compiling_and_is_hidden_from_other_units(
    client, ward, ward_official, other_ward_official
):
    pending = services.report_request(user=ward_official, unit=ward, period_kind="year", year=2025)
    client.force_login(ward_official)
    fragment = client.get(pending.get_absolute_url(), {"progress": 1}, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    client.force_login(other_ward_official)
    assert client.get(pending.get_absolute_url()).status_code == 404


def test_exports_are_logged(client, report, ward_official):
    from accounts.models import PersonalDataAccess

    client.force_login(ward_official)
    response = client.get(reverse("reports:report_export", args=[report.pk, "xlsx"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert PersonalDataAccess.objects.filter(kind="export", user=ward_official).count() == 1


def test_the_report_page_draws_new_cases_by_unit_the_most_first(client, city, ward, other_ward, steering_member):
    from tests.factories import CaseFactory, UnitFactory

    for _ in range(3):
        CaseFactory(unit=ward, received_on=date(2026, 3, 2))
    CaseFactory(unit=other_ward, received_on=date(2026, 3, 2))
    report = services.report_request(user=steering_member, unit=city, period_kind="half_year", year=2026)
    services.report_compile(report_id=report.pk)
    client.force_login(steering_member)
    response = client.get(report.get_absolute_url())
    chart = response.context["unit_chart"]
    assert [(bar.label, bar.value) for bar in chart.bars] == [(ward.name, 3), (other_ward.name, 1)]
    quiet = UnitFactory(name="Phường Ấp Lặng", parent=city, valid_from=date(2025, 7, 1))
    report = services.report_request(user=steering_member, unit=city, period_kind="half_year", year=2026)
    services.report_compile(report_id=report.pk)
    rows = Report.objects.get(pk=report.pk).figures["by_unit"]
    # Every ward below, zeros included, in Vietnamese order (Ấ after P in Python's order, first here).
    assert (rows[0]["unit"], rows[0]["cases_new"]) == (quiet.name, 0)
    assert {row["unit"] for row in rows} == {quiet.name, ward.name, other_ward.name}
    assert '<title id="unit-chart-title">' in response.content.decode()  # the chart, named for screen readers
