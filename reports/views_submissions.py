"""The submissions page: the units below a committee, each with where it stands for the period (submitted on…,
waiting, overdue by N days) and the period's due date, beside the roll-up of what was submitted."""

from django.utils import timezone

from reports import views
from reports.submissions import SubmissionState, report_period, submissions_below


class SubmissionsView(views.SubmissionsView):
    """reports.views.SubmissionsView (the roll-up, through the gate) with each unit's state and the due date. The
    units listed are those that must submit (reports.submissions.submitting_units) in the user's view scope."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        submissions = submissions_below(
            parent=self.object,
            period_kind=context["period_kind"],
            year=context["year"],
            user=self.request.user,
            today=today,
        )
        period = submissions[0].period if submissions else report_period(context["period_kind"], context["year"])
        context.update(
            submissions=submissions,
            due_on=period.due_on,
            waiting_count=sum(row.state == SubmissionState.WAITING for row in submissions),
            overdue_count=sum(row.state == SubmissionState.OVERDUE for row in submissions),
            submitted_count=sum(row.state == SubmissionState.SUBMITTED for row in submissions),
        )
        return context
