import datetime
import decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.preferences import types
from apps.preferences.serializers import SerializationError


class Flag(types.BooleanPreference):
    name = "flag"
    default = False


class Text(types.StringPreference):
    name = "text"
    default = ""


class Number(types.IntegerPreference):
    name = "number"
    default = 0


class Amount(types.DecimalPreference):
    name = "amount"
    default = decimal.Decimal("0")


class Ratio(types.FloatPreference):
    name = "ratio"
    default = 0.0


class Day(types.DatePreference):
    name = "day"
    default = datetime.date(2026, 1, 1)


class Moment(types.DateTimePreference):
    name = "moment"
    default = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


class Clock(types.TimePreference):
    name = "clock"
    default = datetime.time(9, 0)


class Span(types.DurationPreference):
    name = "span"
    default = datetime.timedelta(minutes=30)


class Colour(types.ChoicePreference):
    name = "colour"
    choices = [("red", "Red"), ("blue", "Blue")]
    default = "red"


class Tags(types.MultipleChoicePreference):
    name = "tags"
    choices = [("a", "A"), ("b", "B"), ("c", "C")]
    default = []


def round_trip(preference, value):
    serializer = preference.get_serializer()
    return serializer.deserialize(serializer.serialize(value))


@given(st.booleans())
def test_booleans_round_trip(value):
    assert round_trip(Flag(), value) is value


@given(st.text())
def test_strings_round_trip(value):
    assert round_trip(Text(), value) == value


@given(st.integers())
def test_integers_round_trip(value):
    assert round_trip(Number(), value) == value


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimals_round_trip_without_losing_digits(value):
    result = round_trip(Amount(), value)
    assert result == value and str(result) == str(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_round_trip(value):
    assert round_trip(Ratio(), value) == value


@given(st.dates())
def test_dates_round_trip(value):
    assert round_trip(Day(), value) == value


@given(st.datetimes(timezones=st.just(datetime.UTC)))
def test_aware_datetimes_round_trip(value):
    assert round_trip(Moment(), value) == value


@given(st.times())
def test_times_round_trip(value):
    assert round_trip(Clock(), value) == value


@given(st.timedeltas(min_value=datetime.timedelta(days=-999), max_value=datetime.timedelta(days=999)))
def test_durations_round_trip(value):
    assert round_trip(Span(), value) == value


@given(st.sampled_from(["red", "blue"]))
def test_choices_round_trip(value):
    assert round_trip(Colour(), value) == value


@given(st.lists(st.sampled_from(["a", "b", "c"]), unique=True))
def test_multiple_choices_round_trip(value):
    assert round_trip(Tags(), value) == value


@pytest.mark.parametrize(
    ("preference", "raw"),
    [
        (Flag(), '"yes"'),
        (Number(), "true"),
        (Number(), '"12"'),
        (Amount(), '"NaN"'),
        (Day(), '"not a date"'),
        (Colour(), '"green"'),  # a choice that was removed
        (Tags(), '["a", "z"]'),
        (Text(), "{broken json"),
    ],
)
def test_values_that_no_longer_decode_raise_serialization_error(preference, raw):
    with pytest.raises(SerializationError):
        preference.get_serializer().deserialize(raw)
