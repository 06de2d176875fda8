"""Reads of weak-organization dossiers: the page of one dossier and the committee above's review queue."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.roles import Action
from accounts.scoping import unit_scope
from organizations.choices import DossierStatus, TaskStatus
from organizations.models import InspectionConclusion, PlanTask, WeakDossier


def dossier_list_queryset() -> QuerySet:
    today = timezone.localdate()
    return (
        WeakDossier.objects.active()
        .select_related("unit", "unit__parent")
        .annotate(
            task_count=Count("tasks", filter=Q(tasks__is_void=False)),
            tasks_done=Count("tasks", filter=Q(tasks__is_void=False, tasks__status=TaskStatus.DONE)),
            tasks_late=Count(
                "tasks",
                filter=Q(tasks__is_void=False, tasks__deadline__lt=today) & ~Q(tasks__status=TaskStatus.DONE),
            ),
        )
        .order_by("-identified_on", "-pk")
    )


def review_queue(*, user) -> dict[str, list]:
    """What waits for the committee above: dossiers submitted, plans with late tasks, inspection conclusions
    past their deadline — for organizations strictly below the units where the user may approve."""
    scope = unit_scope(user, Action.APPROVE)
    dossiers = dossier_list_queryset()
    if not scope.everything:
        dossiers = dossiers.filter(unit__parent_id__in=scope.unit_ids)
    today = timezone.localdate()
    late_task = PlanTask.objects.filter(dossier=OuterRef("pk"), is_void=False, deadline__lt=today).exclude(
        status=TaskStatus.DONE
    )
    overdue_conclusion = InspectionConclusion.objects.filter(
        inspection__dossier=OuterRef("pk"), done_on__isnull=True, deadline__lt=today
    )
    return {
        "submitted": list(dossiers.filter(status=DossierStatus.SUBMITTED)),
        "late": list(dossiers.filter(Exists(late_task), status=DossierStatus.CONSOLIDATING)),
        "inspections_due": list(dossiers.filter(Exists(overdue_conclusion))),
    }


@dataclass
class DossierPage:
    tasks: list
    inspections: list
    timeline: list
    today: object


def dossier_page(*, dossier: WeakDossier, user) -> DossierPage:
    """The dossier's plan tasks with their progress, inspections with conclusions, and the timeline. (The open
    hot-spot and mass cases of the area are a panel the cases app serves: cases.views.DossierAreaCasesView.)"""
    today = timezone.localdate()
    tasks = list(dossier.tasks.filter(is_void=False).prefetch_related("progress__user"))
    for task in tasks:
        task.timeliness_code = task.timeliness(today)
    inspections = list(dossier.inspections.select_related("created_by").prefetch_related("conclusions"))
    timeline = list(dossier.events.select_related("user").order_by("-at", "-pk"))
    return DossierPage(tasks=tasks, inspections=inspections, timeline=timeline, today=today)
