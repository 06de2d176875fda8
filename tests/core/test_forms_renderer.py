"""The Python selects and checkbox/radio lists (core/forms_renderer.py) write Django's markup, but for
whitespace."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates

from core.forms_renderer import FormRenderer


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Tất cả"), ("a", "Phường <Ba> Đình"), ("b", 'Xã "Vật" Lại')])
    grouped = forms.MultipleChoiceField(
        choices=[("Nhóm & một", [("1", "Một"), ("2", "Hai")]), ("3", "Ba")],
        widget=forms.SelectMultiple(attrs={"aria-describedby": "hint", "data-x": '"q"'}),
        required=False,
    )
    kinds = forms.MultipleChoiceField(
        choices=[("x", "Khiếu <nại>"), ("y", "Tố cáo")], widget=forms.CheckboxSelectMultiple, required=False
    )
    one = forms.ChoiceField(choices=[("p", "Có"), ("q", "Không")], widget=forms.RadioSelect)


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html))


def test_select_markup_is_djangos():
    form = Choices({"plain": "b", "grouped": ["2", "3"], "kinds": ["x"], "one": "q"})
    for name in ("plain", "grouped", "kinds", "one"):
        field = form[name]
        ours = field.as_widget(attrs={"aria-invalid": "true"}) if name == "plain" else field.as_widget()
        form.renderer = DjangoTemplates()
        theirs = field.as_widget(attrs={"aria-invalid": "true"}) if name == "plain" else field.as_widget()
        form.renderer = FormRenderer()
        assert _squeezed(ours) == _squeezed(theirs)
        assert "<Ba>" not in ours and "<nại>" not in ours and '"Vật"' not in ours  # labels escaped
