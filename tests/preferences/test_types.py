"""Preference types: the one helper that decodes stored text, else falls back to the default."""

import pytest

from apps.preferences import types


class Seats(types.IntegerPreference):
    section = "billing"
    name = "seats"
    default = 5


class Plan(types.ChoicePreference):
    section = "billing"
    name = "plan"
    choices = [("free", "Free"), ("pro", "Pro")]
    default = "free"


def test_nothing_stored_reads_as_the_default():
    stored = Seats().stored_value(None)

    assert (stored.value, stored.is_stored, stored.decodes, stored.error) == (5, False, True, "")


def test_stored_text_decodes_with_the_preferences_serializer():
    stored = Seats().stored_value("12")

    assert (stored.value, stored.is_stored, stored.decodes) == (12, True, True)


@pytest.mark.parametrize(("preference", "raw"), [(Seats(), '"twelve"'), (Plan(), '"enterprise"'), (Seats(), "{")])
def test_text_that_no_longer_decodes_falls_back_to_the_default_and_says_why(preference, raw):
    stored = preference.stored_value(raw)

    assert stored.value == preference.get_default()
    assert stored.is_stored and not stored.decodes
    assert "does not decode" in stored.error
