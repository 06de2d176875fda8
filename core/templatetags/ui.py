"""Template helpers shared by every page: form fields with their errors, filter chips, query strings."""

from django import forms, template
from django.http import QueryDict

register = template.Library()


@register.inclusion_tag("includes/field.html")
def field(bound_field, hint: str = "", show_optional: bool = True):
    """A label above the input, a hint, and the error next to the field (GOV.UK pattern)."""
    widget = bound_field.field.widget
    describedby = []
    help_text = hint or bound_field.help_text
    if help_text:
        describedby.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        describedby.append(f"{bound_field.auto_id}-error")
    attrs = {}
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return {
        "field": bound_field,
        "widget_html": bound_field.as_widget(attrs=attrs),
        "help_text": help_text,
        "show_optional": show_optional,
        "is_checkbox": isinstance(widget, forms.CheckboxInput),
        "is_multi": isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)),
    }


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_):
    """The list of problems at the top of a form, each linking to its field."""
    errors = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            errors.append({"message": error, "anchor": ""})
        for bound_field in form:
            for error in bound_field.errors:
                errors.append({"message": error, "anchor": bound_field.auto_id, "label": bound_field.label})
    return {"errors": errors}


@register.simple_tag(takes_context=True)
def filter_chips(context, filterset) -> list[dict]:
    """Active filters as removable chips: each with its label, value and the URL without it."""
    request = context["request"]
    chips: list[dict] = []
    form = filterset.form
    if not form.is_bound or not form.is_valid():
        return chips
    for name, bound_field in form.fields.items():
        values = request.GET.getlist(name)
        values = [v for v in values if v not in ("", None)]
        if not values:
            continue
        choices = dict(getattr(bound_field, "choices", []) or [])
        for value in values:
            remaining = request.GET.copy()
            remaining.setlist(name, [v for v in values if v != value])
            remaining.pop("page", None)
            display = choices.get(value, choices.get(_maybe_int(value), value))
            chips.append(
                {
                    "label": bound_field.label,
                    "value": display,
                    "url": "?" + remaining.urlencode() if remaining else request.path,
                }
            )
    return chips


def _maybe_int(value: str):
    try:
        return int(value)
    except ValueError:
        return value


@register.simple_tag(takes_context=True)
def url_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination and sorting keep the filters)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode()
