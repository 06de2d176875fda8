"""What waits for the user: the top of the home page. Each item is a count with the list it opens, by the rights
the user holds, not by role name, so a reviewer who also compiles the ward's report sees both:

- CHANGE (the ward's officials): letters and cases transferred to their units and not acknowledged yet, dossiers
  returned for completion, open cases assigned to them;
- COMPILE at a unit that submits to the committee above: that unit's reports still to submit (reports.submissions,
  the same rule the daily sweep chases);
- APPROVE (the committee above): dossiers submitted and waiting for review, inspection conclusions coming due or
  overdue (within settings.PLAN_DUE_SOON_DAYS);
- the committees the units below submit to see their waiting and overdue units in reports.submissions'
  submission_counts (HomeView).

One query per item however many records, plus the chased submissions' five for a user who compiles.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action
from accounts.scoping import role_assignments, unit_scope
from cases.choices import OPEN_STATUSES
from cases.models import Case, TransferStatus
from cases.transfers import transfers_inbox
from organizations.choices import DossierStatus
from organizations.models import InspectionConclusion, WeakDossier
from overview.notifications import submission_url
from reports.submissions import outstanding_submissions


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for the user: what, how many, and the list where they are."""

    name: str  # stable, for the page's ids and the tests
    label: str
    count: int
    url: str


def _open_dossiers():
    return WeakDossier.objects.active().filter(ended_on__isnull=True)


def _official_items(user) -> list[InboxItem]:
    if unit_scope(user, Action.CHANGE).is_empty:
        return []
    returned = _open_dossiers().visible_to(user, Action.CHANGE).filter(status=DossierStatus.RETURNED).count()
    assigned = Case.objects.active().visible_to(user).filter(handler=user, status__in=OPEN_STATUSES).count()
    statuses = urlencode([("handler", user.pk), *(("status", status) for status in OPEN_STATUSES)])
    return [
        InboxItem(
            "dossiers_returned",
            str(_("Dossiers returned for completion")),
            returned,
            f"{reverse('organizations:dossier_list')}?status={DossierStatus.RETURNED}",
        ),
        InboxItem(
            "cases_assigned", str(_("Cases assigned to you")), assigned, f"{reverse('cases:case_list')}?{statuses}"
        ),
    ]


def _submission_items(user, today: date) -> list[InboxItem]:
    """The reports the units where the user compiles (assigned there, as the sweep reminds them) owe the committee
    above and have not submitted."""
    units = {a.unit_id for a in role_assignments(user) if Action.COMPILE in a.rights and a.unit.parent_id}
    if not units:
        return []
    owed = [(row, unit) for row in outstanding_submissions(today=today) for unit in row.units if unit.pk in units]
    url = submission_url(*owed[0]) if len(owed) == 1 else reverse("reports:report_list")
    return [InboxItem("reports_to_submit", str(_("Reports to submit to the committee above")), len(owed), url)]


def _review_items(user, today: date) -> list[InboxItem]:
    scope = unit_scope(user, Action.APPROVE)
    if scope.is_empty:
        return []
    # Organizations strictly below the units where the user approves, as organizations.selectors_weak.review_queue.
    below = Q() if scope.everything else Q(unit__parent_id__in=scope.unit_ids)
    submitted = _open_dossiers().filter(below, status=DossierStatus.SUBMITTED).count()
    conclusion_below = Q() if scope.everything else Q(inspection__dossier__unit__parent_id__in=scope.unit_ids)
    conclusions = InspectionConclusion.objects.filter(
        conclusion_below,
        done_on__isnull=True,
        deadline__lte=today + timedelta(days=settings.PLAN_DUE_SOON_DAYS),
        inspection__dossier__is_void=False,
        inspection__dossier__ended_on__isnull=True,
    ).count()
    queue = reverse("organizations:review_queue")
    return [
        InboxItem("dossiers_to_review", str(_("Dossiers waiting for your review")), submitted, queue),
        InboxItem("conclusions_due", str(_("Inspection conclusions due or overdue")), conclusions, queue),
    ]


def inbox(*, user, today: date) -> list[InboxItem]:
    """What waits for the user, in the order of the home page."""
    return [
        *_transfer_items(user),
        *_official_items(user),
        *_submission_items(user, today),
        *_review_items(user, today),
    ]


def _transfer_items(user) -> list[InboxItem]:
    """Letters and cases other units transferred to the user's units, not yet acknowledged (cases/transfers)."""
    if unit_scope(user, Action.CHANGE).is_empty:
        return []
    waiting = transfers_inbox(user).filter(status=TransferStatus.SENT).count()
    return [
        InboxItem(
            "transfers_to_acknowledge", str(_("Transfers to acknowledge")), waiting, reverse("cases:transfer_inbox")
        )
    ]
