from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, UpdateView

from accounts.models import PersonalDataAccess
from accounts.roles import Action
from accounts.scoping import ScopedViewMixin, has_right
from core.downloads import content_download_response
from core.generic import add_service_errors
from core.ratelimit import ratelimit
from organizations.models import Unit
from reports import services
from reports.charts import bar_chart, hbar_chart
from reports.choices import ReportStatus
from reports.exports import default_recipients, file_name, report_docx, report_xlsx
from reports.forms import ReportPaperForm, ReportRequestForm
from reports.models import Report
from reports.selectors import submissions_overview


def queue_down_message() -> str:
    return _(
        "The task queue cannot be reached just now. Your request is saved: the report will be compiled "
        "automatically when the queue is back, within a few minutes."
    )


def under_way_message() -> str:
    return _("This report is already being compiled: its progress is shown below. Ask again once it is ready.")


class ReportListView(ScopedViewMixin, ListView):
    model = Report
    queryset = Report.objects.select_related("unit", "requested_by").order_by("-requested_at")
    paginate_by = 30
    template_name = "reports/report_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = ReportRequestForm(user=self.request.user)
        return context


class ReportRequestView(ScopedViewMixin, FormView):
    scope_action = Action.COMPILE
    form_class = ReportRequestForm
    template_name = "reports/report_request.html"

    def get_initial(self):
        # A reminder to submit links here with its unit and period (reports/submissions.py): start from them.
        initial = super().get_initial()
        for name in ("unit", "period_kind", "year"):
            if value := self.request.GET.get(name):
                initial[name] = value
        return initial

    def form_valid(self, form):
        try:
            report = services.report_request(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        if report.under_way:
            messages.info(self.request, under_way_message())
        elif report.dispatched is False:
            messages.warning(self.request, queue_down_message())
        else:
            messages.success(self.request, _("Compilation requested. You can leave this page and come back."))
        return redirect(report)


class ReportDetailView(ScopedViewMixin, DetailView):
    """The report: live progress while a worker compiles it (htmx polling), then its figures and charts."""

    model = Report
    queryset = Report.objects.select_related("unit", "requested_by", "submitted_by")
    context_object_name = "report"
    template_name = "reports/report_detail.html"

    def get_template_names(self):
        if self.request.htmx and self.request.GET.get("progress"):  # the polling fragment
            return ["reports/partials/progress.html"]
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if self.request.htmx and self.request.GET.get("progress") and not context["working"]:
            response["HX-Refresh"] = "true"  # compiled (or failed): reload to show the figures and actions
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        figures = report.figures or {}
        context.update(
            ready=report.status in (ReportStatus.DONE, ReportStatus.FROZEN, ReportStatus.SUBMITTED),
            working=report.status in (ReportStatus.PENDING, ReportStatus.RUNNING),
            can_compile=has_right(user, Action.COMPILE, report.unit_id),
            can_export=has_right(user, Action.EXPORT, report.unit_id),
            month_chart=bar_chart(figures.get("by_month", [])),
            field_chart=hbar_chart(figures.get("by_field", []), previous=True),
            # The chart draws the units with new cases; the table below lists every unit, zeros included.
            unit_chart=hbar_chart(
                [
                    {"label": row["unit"], "value": row["cases_new"]}
                    for row in figures.get("by_unit", [])
                    if row["cases_new"]
                ]
            ),
        )
        return context


class ReportPaperView(ScopedViewMixin, UpdateView):
    """Before exporting: the recipients (Nơi nhận) and the signer's name the document carries. Not figures: a frozen
    or submitted report may still get them, and each change is kept in the report's history."""

    model = Report
    form_class = ReportPaperForm
    scope_action = Action.COMPILE
    template_name = "reports/report_paper.html"

    def get_initial(self):
        report = self.object
        return {"recipients": report.recipients or "\n".join(default_recipients(report, state_format=False))}

    def form_valid(self, form):
        try:
            report = services.report_set_paper(user=self.request.user, report=self.object, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The recipients and the signer are saved for the exports."))
        return redirect(report)


class ReportActionView(ScopedViewMixin, DetailView):
    model = Report
    scope_action = Action.COMPILE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        action = self.kwargs["action"]
        try:
            if action == "freeze":
                services.report_freeze(user=request.user, report=report)
                messages.success(request, _("The report is frozen."))
            elif action == "submit":
                services.report_submit(user=request.user, report=report)
                messages.success(request, _("The report has been submitted to the level above."))
            elif action == "recompile":
                report = services.report_request(
                    user=request.user,
                    unit=report.unit,
                    period_kind=report.period_kind,
                    year=report.year,
                    calendar_period=report.calendar_period,
                )
                if report.under_way:
                    messages.info(request, under_way_message())
                elif report.dispatched is False:
                    messages.warning(request, queue_down_message())
                else:
                    messages.success(request, _("A new version is being compiled."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(report)


@method_decorator(ratelimit("export"), name="dispatch")
class ReportExportView(ScopedViewMixin, DetailView):
    """Download the report as DOCX (Party or state format) or its annex tables as XLSX. Each export is logged."""

    model = Report
    scope_action = Action.EXPORT

    def get(self, request, *args, **kwargs):
        report = self.get_object()
        if report.status not in (ReportStatus.DONE, ReportStatus.FROZEN, ReportStatus.SUBMITTED):
            messages.error(request, _("The report is not compiled yet."))
            return redirect(report)
        kind = self.kwargs["format"]
        if kind == "xlsx":
            content, mime = report_xlsx(report), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content = report_docx(report, state_format=(kind == "docx-state"))
            mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        PersonalDataAccess.objects.create(
            user=request.user,
            kind=PersonalDataAccess.Kind.EXPORT,
            unit=report.unit,
            record=f"{report} ({kind})"[:200],
            path=request.path,
        )
        return content_download_response(content, filename=file_name(report, kind), content_type=mime)


class SubmissionsView(ScopedViewMixin, DetailView):
    """For a unit and a period: which units below submitted, their figures, the roll-up, and who has not."""

    model = Unit
    template_name = "reports/submissions.html"
    context_object_name = "unit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(submissions_overview(unit=self.object, user=self.request.user, query=self.request.GET))
        return context
