"""Selectors of the list of weak grassroots party organizations over a period, and its XLSX export.

The four figures of the period follow the half-year review report (sơ kết): organizations on the list at the
start, newly identified during the period, taken off the list during it (thoát yếu kém), and remaining at the
end. Each counts distinct organizations, in SQL. A dossier handed over to a successor unit after a merger is
neither new nor taken off: the organization changed, its weakness did not, so the successor shows up only in
the end figure (and the predecessor only in the start figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accounts.roles import Action
from accounts.scoping import subtree_ids
from core.periods import half_year_start
from core.spreadsheets import xlsx_row
from organizations.choices import DossierStatus
from organizations.models import Inspection, Unit, WeakDossier, WeakDossierQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from accounts.scoping import Principal

FIGURES = [
    ("at_start", gettext_lazy("on the list at the start of the period")),
    ("identified", gettext_lazy("newly identified during the period")),
    ("taken_off", gettext_lazy("taken off the list during the period")),
    ("at_end", gettext_lazy("remaining on the list at the end of the period")),
]


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def period_title(start: date, end: date) -> str:
    """How the period is headed on the page and in the export: "Từ 15/06/2025 đến 14/12/2025"."""
    return _("From {start} to {end}").format(start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}")


def period_presets(today: date) -> list[Period]:
    """The periods offered beside the date fields: the statistical half year (Circular 01/2024/TT-TTCP), the
    calendar half year and the calendar year, each up to today."""
    calendar_half = date(today.year, 1, 1) if today.month <= 6 else date(today.year, 7, 1)
    return [
        Period(_("Statistical half year"), half_year_start(today), today),
        Period(_("Calendar half year"), calendar_half, today),
        Period(_("Year {year}").format(year=today.year), date(today.year, 1, 1), today),
        Period(_("Year {year}").format(year=today.year - 1), date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    ]


class PlanProgress(TypedDict):
    """What weak_remaining adds to each dossier: its plan as it stood on the period's end."""

    task_count: int
    tasks_done: int
    tasks_late: int
    last_inspection_on: date | None


def _dossiers(*, user: Principal, unit: Unit | None, action: str) -> WeakDossierQuerySet[WeakDossier, WeakDossier]:
    dossiers = WeakDossier.objects.visible_to(user, action)
    if unit is not None:
        # Through the tree and the reorganisation edges, as scope does: a new ward includes the wards it replaced.
        dossiers = dossiers.filter(unit_id__in=subtree_ids({unit.pk}))
    return dossiers


def weak_figures(
    *, user: Principal, start: date, end: date, unit: Unit | None = None, action: str = Action.VIEW
) -> dict:
    """The four figures of the period as distinct organizations, in one query: `at_start` (on the list the day
    before `start`), `identified` (identified during the period, not continued from another unit's dossier),
    `taken_off` (taken off the list during the period) and `at_end` (on the list on `end`)."""
    dossiers = _dossiers(user=user, unit=unit, action=action)

    def organizations(condition: Q) -> Count:
        return Count("unit", filter=condition, distinct=True)

    return dossiers.active().aggregate(
        at_start=organizations(Q(pk__in=dossiers.on_list(start - timedelta(days=1)).values("pk"))),
        identified=organizations(Q(identified_on__range=(start, end), carried_from__isnull=True)),
        taken_off=organizations(Q(status=DossierStatus.OFF_LIST, ended_on__range=(start, end))),
        at_end=organizations(Q(pk__in=dossiers.on_list(end).values("pk"))),
    )


def weak_remaining(
    *, user: Principal, end: date, unit: Unit | None = None, action: str = Action.VIEW
) -> QuerySet[WithAnnotations[WeakDossier, PlanProgress]]:
    """The organizations on the list on `end`, one row each (its latest dossier, should it have two), with the
    plan's progress as it stood on `end` (`task_count`, `tasks_done`, `tasks_late`: past its deadline and not
    done by then) and the date of the last inspection or urging by then (`last_inspection_on`)."""
    on_list = _dossiers(user=user, unit=unit, action=action).on_list(end)
    later = on_list.filter(unit=OuterRef("unit")).filter(
        Q(identified_on__gt=OuterRef("identified_on"))
        | Q(identified_on=OuterRef("identified_on"), pk__gt=OuterRef("pk"))
    )
    task = Q(tasks__is_void=False)
    not_done_by_end = Q(tasks__done_on__isnull=True) | Q(tasks__done_on__gt=end)
    last_inspection = Inspection.objects.filter(dossier=OuterRef("pk"), on__lte=end).order_by("-on").values("on")[:1]
    return (
        on_list.exclude(Exists(later))
        .select_related("unit", "unit__parent", "carried_from__unit")
        .annotate(
            task_count=Count("tasks", filter=task),
            tasks_done=Count("tasks", filter=task & Q(tasks__done_on__lte=end)),
            tasks_late=Count("tasks", filter=task & Q(tasks__deadline__lt=end) & not_done_by_end),
            last_inspection_on=Subquery(last_inspection),
        )
        .order_by("unit__parent__name", "unit__name", "pk")
    )


# Export --------------------------------------------------------------------------------------------------------


def _columns() -> list[tuple[str, int]]:
    return [
        (_("No."), 6),
        (_("Organization"), 40),
        (_("Committee above"), 28),
        (_("Year rated"), 10),
        (_("Identified on"), 13),
        (_("Status"), 26),
        (_("Tasks done"), 10),
        (_("Tasks in the plan"), 10),
        (_("Late tasks"), 10),
        (_("Last inspection"), 13),
    ]


def write_weak_list_xlsx(
    out: IO[bytes],
    *,
    figures: dict,
    dossiers: QuerySet[WithAnnotations[WeakDossier, PlanProgress]],
    start: date,
    end: date,
    unit: Unit | None,
    as_of: datetime,
) -> int:
    """The list as a workbook: a heading with the scope, the period and the time the data was read, the four
    figures, then one row per organization. Returns the number of organizations written."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet (typed as optional, of any kind)
    sheet.title = _("Weak organizations")[:31]
    bold = Font(bold=True)
    title = _("Weak grassroots party organizations")
    if unit is not None:
        title = f"{title} · {unit}"
    sheet.append(xlsx_row(sheet, [title]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row(sheet, [period_title(start, end)]))
    sheet["A2"].font = bold
    sheet.append(
        xlsx_row(sheet, [_("Data as of {time}").format(time=timezone.localtime(as_of).strftime("%d/%m/%Y %H:%M"))])
    )
    sheet.append([])
    for key, label in FIGURES:
        sheet.append(xlsx_row(sheet, [figures[key], str(label)]))
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    heading_row = sheet.max_row + 1
    columns = _columns()
    sheet.append(xlsx_row(sheet, [label for label, _width in columns]))
    for index, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        cell = sheet.cell(row=heading_row, column=index)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    count = 0
    for count, dossier in enumerate(dossiers, start=1):
        sheet.append(
            xlsx_row(
                sheet,
                [
                    count,
                    str(dossier.unit),
                    str(dossier.unit.parent or ""),
                    dossier.year,
                    dossier.identified_on,
                    str(dossier.get_status_display()),
                    dossier.tasks_done,
                    dossier.task_count,
                    dossier.tasks_late,
                    dossier.last_inspection_on,
                ],
            )
        )
        for column in (5, 10):
            sheet.cell(row=sheet.max_row, column=column).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = sheet.cell(row=heading_row + 1, column=1).coordinate
    sheet.auto_filter.ref = f"A{heading_row}:{get_column_letter(len(columns))}{heading_row + count}"
    workbook.save(out)
    return count
