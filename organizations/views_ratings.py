"""Pages of the annual quality ratings and of the list of weak organizations over a period."""

import io
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.roles import Action
from accounts.scoping import ScopedFilterView, ScopedViewMixin, unit_scope
from core.downloads import content_download_response
from core.generic import add_service_errors
from core.ratelimit import ratelimit
from organizations import services, workflow
from organizations.choices import UnitKind
from organizations.forms_ratings import (
    CommuneYearForm,
    QualityRatingFilterSet,
    QualityRatingForm,
    RatingRowFormSet,
    WeakListForm,
)
from organizations.models import QualityRating, Unit, WeakDossier
from organizations.weak_list import (
    FIGURES,
    period_presets,
    period_title,
    weak_figures,
    weak_remaining,
    write_weak_list_xlsx,
)


def _announce_dossiers(request, ratings: list[QualityRating], year: int) -> None:
    """Say which organizations a "did not complete" rating put on the list (the service opened their dossiers,
    where they had none for the year), with the way to the dossiers."""
    weak = [rating.unit_id for rating in ratings if rating.level in workflow.OPENS_A_DOSSIER]
    if not weak:
        return
    dossiers = WeakDossier.objects.active().filter(unit_id__in=weak, year=year).select_related("unit")
    names = ", ".join(sorted({str(dossier.unit) for dossier in dossiers}))
    messages.warning(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("On the list of weak organizations, each with a dossier for the year: {names}.").format(names=names),
            reverse("organizations:dossier_list"),
            _("Open the list of dossiers"),
        ),
    )


class QualityRatingListView(ScopedFilterView):
    model = QualityRating
    queryset = QualityRating.objects.select_related("unit", "unit__parent", "regulation").order_by(
        "-year", "unit__parent__name", "unit__name"
    )
    filterset_class = QualityRatingFilterSet
    template_name = "organizations/rating_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_rate"] = not unit_scope(self.request.user, Action.CHANGE).is_empty
        return context


class QualityRatingCreateView(ScopedViewMixin, FormView):
    """Record one organization's rating, or correct it (the service keeps one rating per year). The list of
    organizations holds only those the user may rate; the service checks again."""

    scope_action = Action.CHANGE

    form_class = QualityRatingForm
    template_name = "organizations/rating_form.html"

    def get_initial(self):
        # "Correct" links from the list carry the organization and the year; a unit out of scope is not in the
        # choices, so it is simply not preselected.
        initial = {}
        unit, year = self.request.GET.get("unit", ""), self.request.GET.get("year", "")
        if unit.isdigit():
            initial["unit"] = int(unit)
        if year.isdigit():
            initial["year"] = int(year)
        if "unit" in initial and "year" in initial:
            rating = (
                QualityRating.objects.visible_to(self.request.user, Action.CHANGE)
                .filter(unit_id=initial["unit"], year=initial["year"])
                .first()
            )
            if rating is not None:
                initial.update(
                    regulation=rating.regulation_id, level=rating.level, score=rating.score, reasons=rating.reasons
                )
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            rating = services.rating_record(
                user=self.request.user,
                unit=data["unit"],
                year=data["year"],
                regulation=data["regulation"],
                level=data["level"],
                score=data["score"],
                reasons=data["reasons"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Rating of {unit} for {year} recorded.").format(unit=rating.unit, year=rating.year),
        )
        _announce_dossiers(self.request, [rating], rating.year)
        return redirect(f"{reverse('organizations:rating_list')}?year={rating.year}")


class QualityRatingBulkView(ScopedViewMixin, TemplateView):
    """Rate every current party organization of a commune for a year on one form, saved all or nothing.

    GET ?commune=&year= chooses the commune and the year; the form lists the organizations with their rating
    for that year, if any. POST saves the lines that changed through `ratings_record_for_commune`."""

    scope_action = Action.CHANGE

    template_name = "organizations/rating_bulk.html"

    def dispatch(self, request, *args, **kwargs):
        self.choice = CommuneYearForm(request.GET or None, user=request.user)
        if not request.GET and self.choice.fields["commune"].queryset.count() == 1:
            self.choice.initial["commune"] = self.choice.fields["commune"].queryset.first()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "choice": self.choice}

    def organizations(self, commune: Unit):
        """Current grassroots organizations and cells under the commune (in the tree's order, cells under their
        organization) where the user may rate."""
        return (
            Unit.objects.descendants(commune)
            .visible_to(self.request.user, Action.CHANGE)
            .current()
            .filter(kind__in=[UnitKind.GRASSROOTS, UnitKind.CELL])
        )

    def formset(self, data=None):
        commune, year = self.choice.cleaned_data["commune"], self.choice.cleaned_data["year"]
        organizations = list(self.organizations(commune))
        existing = {
            rating.unit_id: rating
            for rating in QualityRating.objects.filter(unit__in=organizations, year=year).select_related("regulation")
        }
        initial = []
        for unit in organizations:
            row = {"unit": unit}
            if rating := existing.get(unit.pk):
                row.update(level=rating.level, score=rating.score, reasons=rating.reasons)
            initial.append(row)
        return RatingRowFormSet(
            data,
            user=self.request.user,
            initial=initial,
            units=self.organizations(commune),
            year=year,
            regulation=self.choice.cleaned_data["regulation"],
            prefix="rows",
        )

    def get(self, request, *args, **kwargs):
        context = self.get_context_data()
        if self.choice.is_bound and self.choice.is_valid():
            context["formset"] = self.formset()
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        if not (self.choice.is_bound and self.choice.is_valid()):
            return self.render_to_response(self.get_context_data())
        formset = self.formset(request.POST)
        if formset.is_valid():
            year, regulation = self.choice.cleaned_data["year"], self.choice.cleaned_data["regulation"]
            # Lines left as they were are not sent: saving them again would only add history entries.
            changed = [form for form in formset.forms if form.has_changed() and form.row()]
            rows = [{**form.row(), "year": year, "regulation": regulation} for form in changed]
            try:
                ratings = services.ratings_record_for_commune(user=request.user, rows=rows)
            except ValidationError as error:
                _add_row_errors(changed, formset, error)
            else:
                return self.saved(ratings, year)
        context = self.get_context_data(formset=formset, row_errors=_row_error_summary(formset))
        return self.render_to_response(context)

    def saved(self, ratings: list[QualityRating], year: int):
        count = len(ratings)
        recorded = ngettext("{count} rating recorded for {year}.", "{count} ratings recorded for {year}.", count)
        messages.success(self.request, recorded.format(count=count, year=year))
        _announce_dossiers(self.request, ratings, year)
        return redirect(f"{reverse('organizations:rating_list')}?year={year}")


def _add_row_errors(forms_sent: list, formset, error: ValidationError) -> None:
    """Put the service's errors on the lines they concern. The service keys them by the position of the line in
    the rows it was given; the key is "<position>" for a line's general error or "<position>-<field>"."""
    if not hasattr(error, "error_dict"):
        formset.non_form_errors().extend(error.messages)
        return
    for key, errors in error.error_dict.items():
        position, _sep, field = str(key).partition("-")
        if position.isdigit() and int(position) < len(forms_sent):
            form = forms_sent[int(position)]
            form.add_error(field if field in form.fields else None, errors)
            form.mark_invalid_fields()
        else:
            formset.non_form_errors().extend(ValidationError(errors).messages)


def _row_error_summary(formset) -> list[dict]:
    """The problems of the commune form for the error summary, each naming its organization and linking to the
    field on its line (or to the line, for a problem of the whole line)."""
    summary = [{"message": message, "anchor": ""} for message in formset.non_form_errors()]
    for index, form in enumerate(formset.forms):
        name = str(form.organization or "")
        for field, errors in form.errors.items():
            visible = field in form.fields and not form[field].is_hidden
            anchor = form[field].auto_id if visible else f"row-{index}"
            for message in errors:
                summary.append({"message": f"{name}: {message}" if name else message, "anchor": anchor})
    return summary


# The weak-organization list -------------------------------------------------------------------------------------


class WeakListMixin:
    """The period form, read from the query string the list and its export share."""

    def read_period(self):
        form = WeakListForm(self.request.GET, user=self.request.user)
        if not form.is_valid():
            return form, None
        return form, form.cleaned_data


class WeakListView(ScopedViewMixin, WeakListMixin, TemplateView):
    """The list of weak organizations for a scope and a period: the four figures and the organizations
    remaining, with their plan's progress."""

    template_name = "organizations/weak_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, period = self.read_period()
        today = timezone.localdate()
        context.update(form=form, filters=SimpleNamespace(form=form), presets=period_presets(today))
        if period is not None:
            user, unit = self.request.user, period["unit"]
            figures = weak_figures(user=user, start=period["start"], end=period["end"], unit=unit)
            context.update(
                period=period,
                period_title=period_title(period["start"], period["end"]),
                figures=[(key, label, figures[key]) for key, label in FIGURES],
                dossiers=list(weak_remaining(user=user, end=period["end"], unit=unit)),
                can_export=not unit_scope(user, Action.EXPORT).is_empty,
            )
        return context


@method_decorator(ratelimit("export"), name="dispatch")
class WeakListExportView(ScopedViewMixin, WeakListMixin, View):
    """The same list as an XLSX workbook, for the units where the user may export."""

    scope_action = Action.EXPORT

    def get(self, request, *args, **kwargs):
        _form, period = self.read_period()
        if period is None:
            return redirect(f"{reverse('organizations:weak_list')}?{request.GET.urlencode()}")
        user, start, end, unit = request.user, period["start"], period["end"], period["unit"]
        out = io.BytesIO()
        write_weak_list_xlsx(
            out,
            figures=weak_figures(user=user, start=start, end=end, unit=unit, action=Action.EXPORT),
            dossiers=weak_remaining(user=user, end=end, unit=unit, action=Action.EXPORT),
            start=start,
            end=end,
            unit=unit,
            as_of=timezone.now(),
        )
        return content_download_response(out.getvalue(), filename=f"to-chuc-yeu-kem-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
