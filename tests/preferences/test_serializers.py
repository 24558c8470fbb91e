import datetime
import decimal
import json

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import schema_context
from hypothesis import given
from hypothesis import strategies as st

from apps.preferences import types
from apps.preferences.registries import global_preferences_registry
from apps.preferences.serializers import ModelSerializer, SerializationError


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


# --- rows whose primary key is a UUID or text ---------------------------------------------------------
def test_a_uuid_keyed_row_is_stored_as_text_and_read_back_as_the_row(acme, badge_model, key_preferences):
    with schema_context("acme"):
        gold = badge_model._default_manager.create(label="gold")
        manager = global_preferences_registry.manager()

        manager["testing__favourite_badge"] = gold

        assert manager.raw("testing__favourite_badge") == json.dumps(str(gold.pk))
        assert global_preferences_registry.manager()["testing__favourite_badge"] == gold


def test_several_uuid_keyed_rows_read_back_in_their_order(acme, badge_model, key_preferences):
    with schema_context("acme"):
        gold, silver = (badge_model._default_manager.create(label=label) for label in ("gold", "silver"))
        manager = global_preferences_registry.manager()

        manager["testing__badges"] = [silver, gold]

        stored = json.loads(manager.raw("testing__badges"))
        assert stored == sorted([str(gold.pk), str(silver.pk)])
        assert set(global_preferences_registry.manager()["testing__badges"]) == {gold, silver}


def test_a_deleted_uuid_keyed_row_reads_as_the_default(acme, badge_model, key_preferences):
    with schema_context("acme"):
        gold = badge_model._default_manager.create(label="gold")
        global_preferences_registry.manager()["testing__favourite_badge"] = gold

        gold.delete()

        assert global_preferences_registry.manager()["testing__favourite_badge"] is None


def test_a_text_keyed_row_is_stored_by_its_key(acme, key_preferences):
    with schema_context("acme"):
        session = Session.objects.create(session_key="abc123", session_data="", expire_date=timezone.now())
        manager = global_preferences_registry.manager()

        manager["testing__pinned_session"] = session

        assert manager.raw("testing__pinned_session") == '"abc123"'
        assert global_preferences_registry.manager()["testing__pinned_session"] == session


def test_stored_text_that_is_not_a_key_of_the_model_does_not_decode(badge_model):
    serializer = ModelSerializer(badge_model._default_manager.all)

    with pytest.raises(SerializationError):
        serializer.deserialize('"not-a-uuid"')
