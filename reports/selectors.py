"""Reads of reports: what the level above sees of the submissions from below."""

from django.http import QueryDict
from django.utils import timezone

from accounts.roles import Action
from accounts.scoping import Principal
from organizations.models import Unit
from reports.choices import PeriodKind, ReportStatus
from reports.models import Report


def submissions_overview(*, unit: Unit, user: Principal, query: QueryDict) -> dict:
    """The units directly below `unit` with their submitted report for the period (or none yet), and the roll-up
    of the submitted figures: the sum of each row over the submissions (rates are not summed)."""
    requested = query.get("period_kind", "")
    period_kind = requested if requested in PeriodKind.values else PeriodKind.HALF_YEAR
    this_year = timezone.localdate().year
    try:
        year = int(query.get("year") or this_year)
    except ValueError:
        year = this_year
    if not 2000 <= year <= this_year + 1:  # a year no report can have (a typo, a hostile query): this year's page
        year = this_year
    children = list(Unit.objects.visible_to(user, Action.VIEW).current().filter(parent=unit).order_by("name"))
    submitted = {
        report.unit_id: report
        for report in Report.objects.filter(
            unit__in=children,
            period_kind=period_kind,
            year=year,
            calendar_period=False,
            status=ReportStatus.SUBMITTED,
        ).select_related("submitted_by")
    }
    rollup: dict[str, dict] = {}
    for report in submitted.values():
        for section in report.figures.get("sections", []):
            target = rollup.setdefault(section["code"], {"title": section["title"], "rows": {}})
            for row in section["rows"]:
                if row.get("kind", "rate" if row["code"].endswith("_rate") else "count") == "rate":
                    continue
                entry = target["rows"].setdefault(
                    row["code"], {"code": row["code"], "label": row["label"], "value": 0, "previous": 0}
                )
                entry["value"] += row["value"]
                entry["previous"] += row["previous"]
    return {
        "period_kind": period_kind,
        "period_label": PeriodKind(period_kind).label,
        "year": year,
        "rows": [(child, submitted.get(child.pk)) for child in children],
        "missing": [child for child in children if child.pk not in submitted],
        "rollup": [{"title": s["title"], "rows": list(s["rows"].values())} for s in rollup.values()],
        "period_choices": PeriodKind.choices,
    }
