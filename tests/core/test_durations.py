"""Durations in human units: the number-and-unit field, its errors in the same units, text and ISO 8601."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError

from apps.core.durations import DurationField, humanize, iso8601, parse, split
from apps.core.inputs import GuardedTextForm


class _Form(GuardedTextForm, forms.Form):
    expiry = DurationField(label="Session expiry", min_value=60, max_value=30 * 86400)


def test_two_hours_entered_in_the_widget_clean_to_7200_seconds():
    form = _Form({"expiry": "2", "expiry_unit": "hours"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["expiry"] == 7200


def test_bounds_and_errors_are_said_in_the_same_units():
    too_short = _Form({"expiry": "30", "expiry_unit": "seconds"})
    not_a_number = _Form({"expiry": "soon", "expiry_unit": "minutes"})

    assert not too_short.is_valid()
    assert too_short.errors["expiry"] == ["Enter a duration between 1 minute and 30 days."]
    assert not_a_number.errors["expiry"] == ["Enter a duration: a number and a unit, such as 2 hours."]
    assert _Form.base_fields["expiry"].bounds_display() == "between 1 minute and 30 days"


def test_a_lone_number_is_seconds_as_forms_and_clients_sent_it_before():
    form = _Form({"expiry": "1800"})

    assert form.is_valid() and form.cleaned_data["expiry"] == 1800


def test_the_widget_shows_a_value_in_its_largest_exact_unit_with_an_accessible_unit():
    html = str(_Form(initial={"expiry": 7200})["expiry"])

    assert 'value="2"' in html and '<option value="hours" selected>' in html
    assert 'aria-label="Session expiry (unit)"' in html and 'name="expiry_unit"' in html


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (7200, 7200),
        ("7200", 7200),
        ("PT2H", 7200),
        ("P1DT30M", 88200),
        ("2 hours", 7200),
        ("90 min", 5400),
        ("1.5 days", 129600),
        (datetime.timedelta(minutes=5), 300),
        ({"seconds": 60, "iso8601": "PT1M"}, 60),
    ],
)
def test_code_and_the_api_may_give_seconds_iso_8601_or_text(value, seconds):
    assert parse(value) == seconds


@pytest.mark.parametrize("value", [True, "soon", "1.5 seconds", "9" * 5000, [600], "2 fortnights"])
def test_what_is_no_duration_is_refused(value):
    with pytest.raises(ValueError):
        parse(value)
    with pytest.raises(ValidationError):
        DurationField().clean(value)


def test_answers_read_as_people_and_iso_8601_say_them():
    assert [humanize(s) for s in (0, 45, 60, 9000, 86400 + 3600)] == [
        "0 seconds",
        "45 seconds",
        "1 minute",
        "2 hours 30 minutes",
        "1 day 1 hour",
    ]
    assert [iso8601(s) for s in (0, 45, 7200, 88200)] == ["PT0S", "PT45S", "PT2H", "P1DT30M"]
    assert split(7200) == (2, "hours") and split(90) == (90, "seconds") and split(0) == (0, "seconds")
