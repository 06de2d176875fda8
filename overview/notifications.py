"""Notifications (DESIGN §7): the daily sweep for due-soon and overdue cases and for heads' reception shortfalls,
their delivery by e-mail, and reading them in the app.

Every write here is idempotent. A reminder's `key` is unique per user, so a sweep that runs twice (a redelivered
task, a manual rerun) inserts nothing new, and a notification is e-mailed only while its `emailed_at` is empty.
"""

import logging
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import RoleAssignment, User
from accounts.roles import ROLE_RIGHTS, Action
from accounts.scoping import SYSTEM
from cases.choices import OPEN_STATUSES, EventKind
from cases.models import Case, CaseEvent, Transfer
from citizens.selectors import duty_compliance
from organizations.choices import DossierStatus, TaskStatus, UnitKind
from organizations.models import DossierEvent, InspectionConclusion, PlanTask, Unit, WeakDossier
from overview.models import Notification
from reports.submissions import Outstanding, outstanding_submissions

logger = logging.getLogger(__name__)

# Reception sessions are often entered a few days late, and the week rule counts the last week that starts in
# the month through its Sunday, up to six days into the next month. A month is therefore judged only once this
# many days of the next month have passed, so that nobody is told of a shortfall that is not one.
SHORTFALL_GRACE_DAYS = 7

_MESSAGE_MAX = Notification._meta.get_field("message").max_length


def _officials_by_unit(unit_ids: set[int]) -> dict[int, set[int]]:
    """Active users holding a role with the CHANGE right at each unit, in one query.

    Kept deliberately simple: only assignments at the unit itself, not at its ancestors; reminders go to the
    people who work the unit's register, not to every committee above it.
    """
    return _holders_by_unit(unit_ids, {Action.CHANGE})


def _holders_by_unit(unit_ids: set[int], actions: set[str]) -> dict[int, set[int]]:
    """Active users holding, at each unit itself, a role with any of `actions`, in one query."""
    roles = [role for role, rights in ROLE_RIGHTS.items() if rights & actions]
    holders: dict[int, set[int]] = defaultdict(set)
    assignments = (
        RoleAssignment.objects.active()
        .filter(unit_id__in=unit_ids, role__in=roles, user__is_active=True)
        .values_list("unit_id", "user_id")
    )
    for unit_id, user_id in assignments:
        holders[unit_id].add(user_id)
    return holders


def _insert_new(notifications: list[Notification]) -> int:
    """Insert the notifications whose (user, key) is new and return how many: two queries whatever the number."""
    if not notifications:
        return 0
    existing = set(Notification.objects.filter(key__in={n.key for n in notifications}).values_list("user_id", "key"))
    new = [n for n in notifications if (n.user_id, n.key) not in existing]
    # A concurrent sweep (a task redelivered while the first run is still going) may insert the same rows between
    # the two queries; the unique (user, key) constraint keeps one and ignore_conflicts keeps this run going.
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)


def sweep_deadlines(*, today: date) -> int:
    """Remind the handler and the unit's officials (CHANGE right at the case's unit) of open cases whose current
    due date has passed (overdue) or falls within settings.DUE_SOON_DAYS days (due soon). Returns the number of
    notifications created.

    Each reminder is sent once per case, due date and kind: "due soon" when the case enters the window, "overdue"
    the first day after it. Repeating the overdue reminder every day would bury everything else in the list;
    the overdue cases stay listed on their own page. An extension changes `due_on`, so the new date is
    reminded afresh. A constant number of queries, however many cases.
    """
    horizon = today + timedelta(days=settings.DUE_SOON_DAYS)
    cases = list(
        Case.objects.active()
        .filter(status__in=OPEN_STATUSES, due_on__isnull=False, due_on__lte=horizon)
        .annotate(handler_active=F("handler__is_active"))
        .only("pk", "number", "unit_id", "handler_id", "due_on")
        .order_by("due_on", "pk")
    )
    if not cases:
        return 0
    officials = _officials_by_unit({case.unit_id for case in cases})
    notifications = []
    with translation.override(settings.LANGUAGE_CODE):
        for case in cases:
            due_on = case.due_on
            assert due_on is not None  # the query keeps cases with a due date
            due = due_on.strftime("%d/%m/%Y")
            if due_on < today:
                kind = "overdue"
                message = _("Case {number} is overdue: it was due on {date}.").format(number=case.number, date=due)
            else:
                kind = "due-soon"
                message = _("Case {number} is due on {date}.").format(number=case.number, date=due)
            recipients = set(officials.get(case.unit_id, ()))
            if case.handler_id and case.handler_active:
                recipients.add(case.handler_id)
            key = f"case-due:{case.pk}:{due_on.isoformat()}:{kind}"
            url = case.get_absolute_url()
            notifications += [
                Notification(user_id=user_id, key=key, message=message[:_MESSAGE_MAX], url=url)
                for user_id in sorted(recipients)
            ]
    return _insert_new(notifications)


def shortfall_month(today: date) -> date:
    """The month the sweep of `today` judges: the previous one, once SHORTFALL_GRACE_DAYS of it have passed."""
    judged_on = today - timedelta(days=SHORTFALL_GRACE_DAYS)
    return (judged_on.replace(day=1) - timedelta(days=1)).replace(day=1)


def sweep_reception_shortfalls(*, month: date) -> int:
    """Tell the officials of each commune-level unit (CHANGE right at the unit) which heads fell short of their
    duty to receive citizens in person in `month`, by the same count as the compliance page. Returns the number
    of notifications created; once per unit, head and month."""
    month = month.replace(day=1)
    rows = [
        row for row in duty_compliance(user=SYSTEM, month=month) if not row.met and row.unit.kind == UnitKind.COMMUNE
    ]
    if not rows:
        return 0
    officials = _officials_by_unit({row.unit.pk for row in rows})
    url = f"{reverse('citizens:duty_compliance')}?month={month:%Y-%m}&shortfall=1"
    notifications = []
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            message = _(
                "{unit}: {head} received citizens in person on {days} day(s) in {month}; the rule is {rule}."
            ).format(
                unit=row.unit.name,
                head=row.rule.get_head_position_display(),
                days=row.days,
                month=f"{month:%m/%Y}",
                rule=row.requirement,
            )
            key = f"reception-shortfall:{row.unit.pk}:{row.rule.head_position}:{month:%Y-%m}"
            notifications += [
                Notification(user_id=user_id, key=key, message=message[:_MESSAGE_MAX], url=url)
                for user_id in sorted(officials.get(row.unit.pk, ()))
            ]
    return _insert_new(notifications)


def _unit_names(units: list[Unit], room: int) -> str:
    """The units' names, as many as fit in `room` characters, then how many more."""
    shown: list[str] = []
    for index, unit in enumerate(units):
        rest = len(units) - index - 1
        more = _(" and {count} more").format(count=rest) if rest else ""
        candidate = ", ".join([*shown, unit.name])
        if len(candidate) + len(more) > room:
            return ", ".join(shown) + _(" and {count} more").format(count=len(units) - index)
        shown.append(unit.name)
    return ", ".join(shown)


def submission_url(row: Outstanding, unit: Unit) -> str:
    """Where a unit submits a chased period's report: its latest compiled version, else the form to compile one."""
    period = row.period
    report_id = row.latest.get(unit.pk)
    if report_id:
        return reverse("reports:report_detail", args=[report_id])
    return f"{reverse('reports:report_request')}?unit={unit.pk}&period_kind={period.kind}&year={period.year}"


def sweep_submissions(*, today: date) -> int:
    """Chase the units that have not submitted a period's report to the committee above (reports.submissions says
    which periods are chased, when each is due and who must submit). Returns the number of notifications created.

    The unit's officials (COMPILE right at the unit itself) are reminded once when the reminder window opens (the
    due date minus the rule's days of notice; a later first run in the window still reminds, once), once on the
    due day, and once on each day after it, with a link to compile or submit. After the due date the committee
    above (REVIEW or APPROVE right there) is told once a day which units are overdue. Keys carry the due date (a
    new due date reminds afresh) and, after it, the day. A constant number of queries, however many units.
    """
    outstanding = [row for row in outstanding_submissions(today=today) if row.units]
    if not outstanding:
        return 0
    unit_ids = {unit.pk for row in outstanding for unit in row.units}
    officials = _holders_by_unit(unit_ids, {Action.COMPILE})
    parent_ids = {unit.parent_id for row in outstanding for unit in row.units if unit.parent_id}
    late = [row for row in outstanding if row.period.due_on is not None and today > row.period.due_on]
    reviewers = _holders_by_unit(parent_ids, {Action.REVIEW, Action.APPROVE}) if late else {}
    notifications = []
    with translation.override(settings.LANGUAGE_CODE):
        for row in outstanding:
            period, due_on = row.period, row.period.due_on
            assert due_on is not None  # a chased period has a due date
            due = due_on.strftime("%d/%m/%Y")
            base = f"{period.kind}:{period.year}:{due_on.isoformat()}"
            if today < due_on:
                phase, template = (
                    "due-soon",
                    _("The report {period} of {unit} is due to the committee above on {date}."),
                )
            elif today == due_on:
                phase, template = "due-today", _("The report {period} of {unit} is due to the committee above today.")
            else:
                phase = f"overdue:{today.isoformat()}"
                template = _("The report {period} of {unit} is overdue by {days} day(s): it was due on {date}.")
            for unit in row.units:
                message = template.format(period=period.label, unit=unit.name, date=due, days=(today - due_on).days)
                url = submission_url(row, unit)
                key = f"report-submission:{unit.pk}:{base}:{phase}"
                notifications += [
                    Notification(user_id=user_id, key=key, message=message[:_MESSAGE_MAX], url=url)
                    for user_id in sorted(officials.get(unit.pk, ()))
                ]
        for row in late:
            period, due_on = row.period, row.period.due_on
            assert due_on is not None
            by_parent: dict[int, list[Unit]] = defaultdict(list)
            for unit in row.units:
                if unit.parent_id:
                    by_parent[unit.parent_id].append(unit)
            for parent_id, units in by_parent.items():
                head = ngettext(
                    "{count} unit below has not submitted the report {period}, due on {date}: ",
                    "{count} units below have not submitted the report {period}, due on {date}: ",
                    len(units),
                ).format(count=len(units), period=period.label, date=due_on.strftime("%d/%m/%Y"))
                message = head + _unit_names(units, (_MESSAGE_MAX or 500) - len(head))
                url = f"{reverse('reports:submissions', args=[parent_id])}?period_kind={period.kind}&year={period.year}"
                key = f"report-submissions-overdue:{parent_id}:{period.kind}:{period.year}:{today.isoformat()}"
                notifications += [
                    Notification(user_id=user_id, key=key, message=message[:_MESSAGE_MAX], url=url)
                    for user_id in sorted(reviewers.get(parent_id, ()))
                ]
    return _insert_new(notifications)


def absolute_url(url: str) -> str:
    """The link as an e-mail must carry it: SITE_URL (config/settings; the deploy check of core/checks.py makes sure
    production sets it to the public https address) followed by the path."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL.rstrip('/')}{url}"


def _digest(user: User, notifications: list[Notification]) -> tuple[str, str]:
    count = len(notifications)
    subject = ngettext(
        "Case register: {count} new notification", "Case register: {count} new notifications", count
    ).format(count=count)
    lines = [_("Dear {name},").format(name=user), ""]
    for notification in notifications:
        lines.append(f"- {notification.message}")
        if notification.url:
            lines.append(f"  {absolute_url(notification.url)}")
    lines += ["", _("All your notifications: {url}").format(url=absolute_url(reverse("overview:notifications")))]
    return subject, "\n".join(lines)


def send_pending_emails(*, user_ids: list[int] | None = None) -> int:
    """E-mail each active user with an address one digest of their notifications not yet e-mailed, and mark them
    e-mailed. Returns the number of e-mails sent. Running it again sends nothing new. `user_ids` limits it to
    those users (the e-mail that follows a dossier move or an assignment at once, send_emails_soon).

    The pending rows are locked (SKIP LOCKED) for the run, so two workers never send the same notification. A
    failure to send to one user is logged and leaves that user's rows pending for the next run; a worker killed
    between sending and committing sends those e-mails again (at least once, never lost).
    """
    sent_ids: list[int] = []
    sent = 0
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        pending = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(emailed_at__isnull=True, user__is_active=True)
            .exclude(user__email="")
            .filter(**({} if user_ids is None else {"user_id__in": user_ids}))
            .select_related("user")
            .order_by("user_id", "created_at", "pk")
        )
        by_user: dict[int, list[Notification]] = defaultdict(list)
        for notification in pending:
            by_user[notification.user_id].append(notification)
        for notifications in by_user.values():
            user = notifications[0].user
            subject, body = _digest(user, notifications)
            try:
                send_mail(subject, body, None, [user.email])
            except Exception:
                logger.exception("notification e-mail to user %s failed", user.pk)
                continue
            sent += 1
            sent_ids += [n.pk for n in notifications]
        if sent_ids:
            Notification.objects.filter(pk__in=sent_ids).update(emailed_at=timezone.now())
    return sent


def notification_list(*, user) -> QuerySet:
    """The user's own notifications, unread first, newest first (a notification belongs to a person: the gate's
    OwnedQuerySet)."""
    return (
        Notification.objects.visible_to(user)
        .annotate(unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()))
        .order_by("-unread", "-created_at", "-pk")
    )


def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Mark the user's notification read; the first reading time is kept when it is opened again."""
    if notification.user_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        now = timezone.now()
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
            notification.read_at = now
    return notification


# Notices of the weak-organization programme and of case assignment -------------------------------------------

_ANCESTOR_PATHS_SQL = """
WITH RECURSIVE up(start_id, id, parent_id, depth) AS (
    SELECT id, id, parent_id, 0 FROM organizations_unit WHERE id IN ({placeholders})
    UNION ALL
    SELECT up.start_id, unit.id, unit.parent_id, up.depth + 1
    FROM organizations_unit unit JOIN up ON unit.id = up.parent_id
)
SELECT start_id, id FROM up ORDER BY start_id, depth
"""


def _ancestor_paths(unit_ids: set[int]) -> dict[int, list[int]]:
    """Each unit and the units above it, nearest first, walking up the parent links: one query for all of them."""
    if not unit_ids:
        return {}
    ids = sorted(unit_ids)
    paths: dict[int, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_ANCESTOR_PATHS_SQL.format(placeholders=", ".join(["%s"] * len(ids))), ids)
        for start_id, unit_id in cursor.fetchall():
            paths[start_id].append(unit_id)
    return paths


def _nearest_holders(unit_ids: set[int], actions: set[str]) -> dict[int, set[int]]:
    """For each unit, the active holders of any of `actions` at the nearest unit from it upwards that has some. A
    grassroots organization or a party cell keeps no accounts: the officials of the ward it belongs to work its
    dossier, and the ward's reviewers are the committee above it. Two queries, however many units."""
    paths = _ancestor_paths(unit_ids)
    holders = _holders_by_unit({pk for path in paths.values() for pk in path}, actions)
    nearest: dict[int, set[int]] = {}
    for unit_id, path in paths.items():
        nearest[unit_id] = next((holders[pk] for pk in path if holders.get(pk)), set())
    return nearest


def send_emails_soon(user_ids: list[int]) -> None:
    """E-mail these users their new notifications now rather than at the next morning's sweep. Through the task
    queue (a worker, or in-process without a broker); when the broker cannot be reached the daily sweep sends them
    later, since it e-mails everything not yet e-mailed."""
    from core.publish import publish
    from overview.tasks import send_emails

    if user_ids:
        publish(send_emails, sorted(user_ids))


def _notify(recipients: set[int], *, key: str, message: str, url: str) -> int:
    created = _insert_new(
        [Notification(user_id=pk, key=key, message=message[:_MESSAGE_MAX], url=url) for pk in sorted(recipients)]
    )
    if created:
        send_emails_soon(sorted(recipients))
    return created


# The dossier moves that someone else must act on next, and who that is: the committee above reviews a submitted
# dossier; the organization's committee amends a returned one and carries out an approved plan.
NOTIFIED_MOVES = {"submit", "return", "approve"}


def notify_dossier_moved(*, dossier_id: int, move: str, actor_id: int | None) -> int:
    """After a dossier move commits (organizations.services.dossier_transition): a submission is notified to the
    reviewers of the committee above (APPROVE right at the organization's parent unit, or the nearest unit above
    it with reviewers); a return, with its comments, and an approval to the officials of the organization's
    committee (CHANGE right, nearest unit up). Not to the person who made the move. Once per move: the key holds
    the timeline's event. Returns the number of notifications created."""
    if move not in NOTIFIED_MOVES:
        return 0
    dossier = WeakDossier.objects.select_related("unit").get(pk=dossier_id)
    event = (
        DossierEvent.objects.filter(dossier=dossier, kind=DossierEvent.Kind.TRANSITION)
        .order_by("-pk")
        .only("pk", "note", "to_status")
        .first()
    )
    if event is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        names = {"unit": dossier.unit.name, "year": dossier.year}
        if move == "submit":
            if dossier.unit.parent_id is None:
                return 0
            recipients = _nearest_holders({dossier.unit.parent_id}, {Action.APPROVE}).get(dossier.unit.parent_id, set())
            message = _("The dossier of {unit} ({year}) was submitted to you for review.").format(**names)
        elif move == "return":
            recipients = _nearest_holders({dossier.unit_id}, {Action.CHANGE}).get(dossier.unit_id, set())
            message = _("The dossier of {unit} ({year}) was returned with comments: {comments}").format(
                comments=event.note, **names
            )
        else:
            recipients = _nearest_holders({dossier.unit_id}, {Action.CHANGE}).get(dossier.unit_id, set())
            message = _("The dossier of {unit} ({year}) and its consolidation plan were approved.").format(**names)
    return _notify(
        recipients - {actor_id},
        key=f"dossier-{move}:{dossier.pk}:{event.pk}",
        message=message,
        url=dossier.get_absolute_url(),
    )


def notify_case_assigned(*, case_id: int, handler_id: int, actor_id: int | None) -> int:
    """After an assignment commits (cases.services.case_assign): the new handler is told which case is theirs now,
    unless they assigned it to themselves. Once per assignment (the key holds the timeline's event)."""
    if handler_id == actor_id:
        return 0
    case = Case.objects.only("pk", "number").get(pk=case_id)
    event = CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).order_by("-pk").values_list("pk", flat=True)
    event_id = event.first()
    if event_id is None:
        return 0
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    with translation.override(settings.LANGUAGE_CODE):
        if actor is not None:
            message = _("Case {number} was assigned to you by {name}.").format(number=case.number, name=actor)
        else:
            message = _("Case {number} was assigned to you.").format(number=case.number)
    return _notify(
        {handler_id},
        key=f"case-assigned:{case.pk}:{handler_id}:{event_id}",
        message=message,
        url=case.get_absolute_url(),
    )


def sweep_plan_deadlines(*, today: date) -> int:
    """Remind the organization's committee (CHANGE right at the organization, or the nearest unit above it with
    officials) of plan tasks and inspection conclusions coming due: once, when the deadline comes within
    settings.PLAN_DUE_SOON_DAYS days (a later first run in the window still reminds, once). Plan tasks of an
    approved plan being carried out; conclusions of any dossier still on the list. A deadline moved reminds afresh
    (the key holds it). A deadline already past is not reminded: the review queue lists those. A constant number
    of queries. Returns the number of notifications created."""
    horizon = today + timedelta(days=settings.PLAN_DUE_SOON_DAYS)
    tasks = list(
        PlanTask.objects.filter(
            is_void=False,
            deadline__gte=today,
            deadline__lte=horizon,
            dossier__is_void=False,
            dossier__ended_on__isnull=True,
            dossier__status=DossierStatus.CONSOLIDATING,
        )
        .exclude(status=TaskStatus.DONE)
        .select_related("dossier__unit")
        .order_by("deadline", "pk")
    )
    conclusions = list(
        InspectionConclusion.objects.filter(
            done_on__isnull=True,
            deadline__gte=today,
            deadline__lte=horizon,
            inspection__dossier__is_void=False,
            inspection__dossier__ended_on__isnull=True,
        )
        .select_related("inspection__dossier__unit")
        .order_by("deadline", "pk")
    )
    if not tasks and not conclusions:
        return 0
    dossiers = [task.dossier for task in tasks] + [conclusion.inspection.dossier for conclusion in conclusions]
    officials = _nearest_holders({dossier.unit_id for dossier in dossiers}, {Action.CHANGE})
    notifications = []
    with translation.override(settings.LANGUAGE_CODE):
        items: list[tuple[WeakDossier, str, str]] = []
        for task in tasks:
            message = _("{unit}: the plan task “{task}” is due on {date}.").format(
                unit=task.dossier.unit.name, task=task.solution[:150], date=task.deadline.strftime("%d/%m/%Y")
            )
            items.append((task.dossier, f"plan-task-due:{task.pk}:{task.deadline.isoformat()}", message))
        for conclusion in conclusions:
            dossier = conclusion.inspection.dossier
            assert conclusion.deadline is not None  # the query keeps conclusions with a deadline
            message = _("{unit}: the inspection conclusion “{conclusion}” is due on {date}.").format(
                unit=dossier.unit.name,
                conclusion=conclusion.text[:150],
                date=conclusion.deadline.strftime("%d/%m/%Y"),
            )
            items.append((dossier, f"conclusion-due:{conclusion.pk}:{conclusion.deadline.isoformat()}", message))
        for dossier, key, message in items:
            notifications += [
                Notification(user_id=pk, key=key, message=message[:_MESSAGE_MAX], url=dossier.get_absolute_url())
                for pk in sorted(officials.get(dossier.unit_id, ()))
            ]
    return _insert_new(notifications)


def notify_transfer(*, transfer_id: int, step: str, actor_id: int | None) -> int:
    """After a transfer between units moves (cases.transfers): a transfer sent or urged is told to the receiving
    unit's officials (CHANGE right, nearest unit up), with a link to the transfer in their inbox; a transfer
    acknowledged, registered or returned to the sending unit's officials, with a link to their own letter or case.
    Never to the person who made the step. Once per step (an urge: once per urge). The texts name records by kind
    and number only: a denouncer's name never travels in a notice."""
    transfer = Transfer.objects.select_related("from_unit", "to_unit", "letter", "case", "registered_letter").get(
        pk=transfer_id
    )
    record = transfer.letter or transfer.case
    assert record is not None and transfer.to_unit is not None  # a transfer carries one; only these are announced
    to_receiver = step in ("sent", "urged")
    unit = transfer.to_unit if to_receiver else transfer.from_unit
    recipients = _nearest_holders({unit.pk}, {Action.CHANGE}).get(unit.pk, set()) - {actor_id}
    with translation.override(settings.LANGUAGE_CODE):
        names = {"record": str(record), "from": transfer.from_unit.name, "to": transfer.to_unit.name}
        messages = {
            "sent": _("{from} transferred {record} to your unit: {reason}").format(**names, reason=transfer.reason),
            "urged": _("{from} urges your unit about {record}, transferred on {date}.").format(
                **names, date=f"{transfer.sent_on:%d/%m/%Y}"
            ),
            "received": _("{to} acknowledged receipt of {record}.").format(**names),
            "registered": _("{to} registered {record} in its register as letter {number}.").format(
                **names, number=transfer.registered_letter.number if transfer.registered_letter else ""
            ),
            "returned": _("{to} returned {record}: {reason}").format(**names, reason=transfer.return_reason),
        }
    nth = transfer.urges.count() if step == "urged" else 0
    url = reverse("cases:transfer_detail", args=[transfer.pk]) if to_receiver else record.get_absolute_url()
    return _notify(recipients, key=f"transfer:{transfer.pk}:{step}:{nth}", message=messages[step], url=url)


def on_transfer_moved(sender, *, transfer_id: int, step: str, actor_id: int | None, **kwargs) -> None:
    """Receiver of cases.signals.transfer_moved."""
    notify_transfer(transfer_id=transfer_id, step=step, actor_id=actor_id)


def on_case_assigned(sender, *, case_id: int, handler_id: int, actor_id: int | None, **kwargs) -> None:
    """Receiver of cases.signals.case_assigned."""
    notify_case_assigned(case_id=case_id, handler_id=handler_id, actor_id=actor_id)


def on_dossier_moved(sender, *, dossier_id: int, move: str, actor_id: int | None, **kwargs) -> None:
    """Receiver of organizations.signals.dossier_moved: only the moves someone must act on are notified."""
    if move in NOTIFIED_MOVES:
        notify_dossier_moved(dossier_id=dossier_id, move=move, actor_id=actor_id)
