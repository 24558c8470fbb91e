"""Temporary preferences declared for the engine's tests, removed again after each test."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group

from apps.preferences import types
from apps.preferences.registries import global_preferences_registry, user_preferences_registry


class Retries(types.IntegerPreference):
    section = "testing"
    name = "retries"
    default = 3
    field_kwargs = {"min_value": 0, "max_value": 10}


class Enabled(types.BooleanPreference):
    section = "testing"
    name = "enabled"
    default = True


class Greeting(types.StringPreference):
    section = "testing"
    name = "greeting"
    default = "hello"

    def validate(self, value):
        from django.core.exceptions import ValidationError

        if "forbidden" in value:
            raise ValidationError("That word is not allowed.")


class Channels(types.MultipleChoicePreference):
    section = "testing"
    name = "channels"
    choices = [("mail", "Mail"), ("chat", "Chat")]
    default = ["mail"]


class FavouriteGroup(types.ModelChoicePreference):
    section = "testing"
    name = "favourite_group"
    model = Group


class Motto(types.StringPreference):
    name = "motto"  # no section
    default = "carpe diem"


TEST_GLOBALS = [Retries, Enabled, Greeting, Channels, FavouriteGroup, Motto]


@pytest.fixture
def test_preferences() -> Iterator[None]:
    """Declare the test preferences in the global and the user registry for one test."""
    registered = []
    for registry in (global_preferences_registry, user_preferences_registry):
        for preference_class in TEST_GLOBALS:
            registry.register(preference_class)
            registered.append((registry, preference_class().identifier))
    yield
    for registry, key in registered:
        registry.unregister(key)
