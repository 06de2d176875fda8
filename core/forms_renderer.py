"""The form renderer: Django's widget templates, except for selects and checkbox/radio lists, written in Python.

A list page's filter panel renders a few hundred options on every request (the units of a city, fields,
statuses, flags); through templates each option costs an include, a loop iteration and several variable
look-ups, which made the panel the largest part of rendering a list. The markup is that of Django's
select.html and multiple_input.html, but for blank lines."""

from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
MULTIPLE_INPUT_TEMPLATES = ("django/forms/widgets/checkbox_select.html", "django/forms/widgets/radio.html")


def _attrs(attrs: dict) -> str:
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


def render_select(widget: dict) -> str:
    parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    str(option["value"]),
                    mark_safe(" selected") if option["selected"] else "",
                    option["label"],
                )
            )
        if group_name:
            parts.append(mark_safe("\n  </optgroup>"))
    parts.append(mark_safe("\n</select>"))
    return mark_safe("".join(conditional_escape(part) for part in parts))


def render_multiple_input(widget: dict) -> str:
    widget_id, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    parts = [
        format_html(
            "<div{}{}>",
            format_html(' id="{}"', widget_id) if widget_id else "",
            format_html(' class="{}"', css) if css else "",
        )
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(format_html("\n  <div><label>{}</label>", group))
        for option in options:
            attrs = option["attrs"]
            parts.append(
                format_html(
                    '<div>\n    <label{}><input type="{}" name="{}"{}{}> {}</label></div>',
                    format_html(' for="{}"', attrs["id"]) if attrs.get("id") else "",
                    option["type"],
                    option["name"],
                    format_html(' value="{}"', str(option["value"])) if option["value"] is not None else "",
                    _attrs(attrs),
                    option["label"],
                )
            )
        if group:
            parts.append(mark_safe("\n  </div>"))
    parts.append(mark_safe("\n</div>"))
    return mark_safe("".join(conditional_escape(part) for part in parts))


class FormRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            return render_select(context["widget"])
        if template_name in MULTIPLE_INPUT_TEMPLATES:
            return render_multiple_input(context["widget"])
        return super().render(template_name, context, request=request)
