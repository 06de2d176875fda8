"""Reads of weak-organization dossiers: the page of one dossier and the committee above's review queue."""

from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.roles import Action
from accounts.scoping import unit_scope
from organizations.choices import DossierStatus, TaskStatus
from organizations.models import DossierEvent, DossierSubmission, InspectionConclusion, PlanTask, WeakDossier


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


def with_submission(dossiers: QuerySet, *, today) -> QuerySet:
    """Who submitted each dossier (the user of its latest move to "submitted"), and the whole days it has waited
    since (today's date less the local date of `submitted_at`), computed in the query: one query, however many
    dossiers wait."""
    last_submission = DossierEvent.objects.filter(
        dossier=OuterRef("pk"), kind=DossierEvent.Kind.TRANSITION, to_status=DossierStatus.SUBMITTED
    ).order_by("-at", "-pk")
    submitter = Subquery(
        last_submission.values(name=Coalesce(NullIf(F("user__full_name"), Value("")), F("user__username")))[:1],
        output_field=CharField(),
    )
    days_waiting = Func(
        Value(today, output_field=DateField()),
        TruncDate("submitted_at", tzinfo=timezone.get_current_timezone()),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )
    return dossiers.annotate(submitted_by_name=submitter, days_waiting=days_waiting).order_by("submitted_at", "pk")


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
        "submitted": list(with_submission(dossiers.filter(status=DossierStatus.SUBMITTED), today=today)),
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


@dataclass(frozen=True)
class OpenItems:
    """What is still open in a dossier: plan tasks not done (and not voided), inspection conclusions not
    implemented. Taking the organization off the list with any open needs the reason why."""

    tasks: int
    conclusions: int

    def __bool__(self) -> bool:
        return bool(self.tasks or self.conclusions)

    def describe(self) -> str:
        parts = []
        if self.tasks:
            parts.append(ngettext("%(count)d plan task", "%(count)d plan tasks", self.tasks) % {"count": self.tasks})
        if self.conclusions:
            parts.append(
                ngettext(
                    "%(count)d inspection conclusion not implemented",
                    "%(count)d inspection conclusions not implemented",
                    self.conclusions,
                )
                % {"count": self.conclusions}
            )
        return "; ".join(parts)


def open_items(dossier: WeakDossier) -> OpenItems:
    tasks = PlanTask.objects.filter(dossier=dossier, is_void=False).exclude(status=TaskStatus.DONE).count()
    conclusions = InspectionConclusion.objects.filter(inspection__dossier=dossier, done_on__isnull=True).count()
    return OpenItems(tasks=tasks, conclusions=conclusions)


def last_return(timeline: list[DossierEvent], dossier: WeakDossier) -> DossierEvent | None:
    """The return whose comments the organization must act on: the latest move to "returned", while the dossier is
    still returned (from the timeline already read for the page; once sent up again, only the timeline keeps it)."""
    if dossier.status != DossierStatus.RETURNED:
        return None
    return next((event for event in timeline if event.to_status == DossierStatus.RETURNED), None)


def last_submission(dossier: WeakDossier) -> DossierSubmission | None:
    """What the latest submission carried: the covering note and the signed plan."""
    return dossier.submissions.select_related("user").first()
