"""The widgets rendered without a template give exactly Django's HTML (apps.core.widgets.render_widget)."""

import datetime

import pytest
from django import forms
from django.utils.safestring import mark_safe

from apps.core.widgets import SearchableSelect, render_widget

CHOICES = [("", "—"), ("a&b", "A & B"), ("c", mark_safe("<b>C</b>")), ("Europe/Paris", "Paris")]
GROUPED = [("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]


class EveryWidget(forms.Form):
    text = forms.CharField(required=False, help_text="Help", max_length=20)
    number = forms.IntegerField(min_value=5, max_value=200, disabled=True)
    email = forms.EmailField(widget=forms.EmailInput(attrs={"placeholder": 'say "hi"'}))
    switch = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    choice = forms.ChoiceField(choices=CHOICES, required=False)
    grouped = forms.ChoiceField(choices=GROUPED)
    numbered = forms.TypedChoiceField(choices=[(1, 1), (2, 2)], coerce=int)
    several = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    zone = forms.ChoiceField(choices=CHOICES, widget=SearchableSelect(choices=CHOICES))


INITIAL = {
    "text": 'a "quoted" <value> & more',
    "number": 25,
    "switch": True,
    "hidden": "v1",
    "date": datetime.date(2026, 12, 2),
    "choice": "a&b",
    "grouped": "y",
    "numbered": 2,
    "several": ["a&b", "c"],
    "zone": "Europe/Paris",
}
ATTRS = [{}, {"class": "form-control is-invalid", "aria-describedby": "x-feedback", "aria-invalid": "true"}]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("data", [None, {"text": "posted", "switch": "on", "choice": "c", "number": "x"}])
@pytest.mark.parametrize("name", list(EveryWidget.base_fields))
def test_render_widget_gives_django_s_html(name, data, attrs):
    form = EveryWidget(data=data, initial=INITIAL)

    assert render_widget(form[name], dict(attrs)) == form[name].as_widget(attrs=dict(attrs))


def test_render_widget_escapes_values_and_keeps_a_safe_label():
    html = render_widget(EveryWidget(initial=INITIAL)["choice"], {})

    assert '<option value="a&amp;b" selected>A &amp; B</option>' in html
    assert "<b>C</b>" in html
