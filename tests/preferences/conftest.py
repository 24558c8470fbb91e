"""Temporary preferences declared for the engine's tests, removed again after each test."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection, models
from django_tenants.utils import schema_context

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


# --- model choices on rows whose primary key is not an integer -------------------------------------------
@pytest.fixture
def badge_model(acme: Any) -> Iterator[type[models.Model]]:
    """A UUID-keyed model, its table made in acme's schema for one test (PostgreSQL rolls the DDL back).

    Registered in the app registry while the test runs (copies of rows are unpickled through it), then removed.
    """

    class Badge(models.Model):
        id = models.UUIDField(primary_key=True, default=uuid.uuid4)
        label = models.CharField(max_length=20)

        class Meta:
            app_label = "preferences"

        def __str__(self) -> str:
            return self.label

    try:
        with schema_context(acme.schema_name):
            with connection.schema_editor() as editor:
                editor.create_model(Badge)
            yield Badge
    finally:
        del apps.all_models["preferences"]["badge"]
        apps.clear_cache()


@pytest.fixture
def key_preferences(badge_model: type[models.Model]) -> Iterator[None]:
    """Declare model-choice preferences on the UUID-keyed model and on sessions (text keys) for one test."""

    class FavouriteBadge(types.ModelChoicePreference):
        section = "testing"
        name = "favourite_badge"
        model = badge_model

    class Badges(types.ModelMultipleChoicePreference):
        section = "testing"
        name = "badges"
        model = badge_model

    class FirstBadge(types.ModelChoicePreference):
        section = "testing"
        name = "first_badge"
        model = badge_model

        def get_default(self) -> Any:
            return badge_model._default_manager.order_by("label").first()

    class PinnedSession(types.ModelChoicePreference):
        section = "testing"
        name = "pinned_session"
        model = Session

    classes = [FavouriteBadge, Badges, FirstBadge, PinnedSession]
    for preference_class in classes:
        global_preferences_registry.register(preference_class)
    yield
    for preference_class in classes:
        global_preferences_registry.unregister(f"testing__{preference_class.name}")
