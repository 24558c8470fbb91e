"""Durations in the preferences APIs: written in seconds or ISO 8601, answered in both (as live settings are)."""

import json
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from django_tenants.utils import schema_context

from apps.preferences import types
from apps.preferences.registries import global_preferences_registry, user_preferences_registry
from tests.conftest import client_for

JSON = "application/json"
KEY = "testing__reminder"


class Reminder(types.SecondsPreference):
    section = "testing"
    name = "reminder"
    default = 28800
    field_kwargs = {"min_value": 60, "max_value": 30 * 86400}


@pytest.fixture
def reminder() -> Iterator[None]:
    """Declare a duration in seconds in the global and the user registry for one test."""
    for registry in (global_preferences_registry, user_preferences_registry):
        registry.register(Reminder)
    yield
    for registry in (global_preferences_registry, user_preferences_registry):
        registry.unregister(KEY)


def _put(client, url, body):
    return client.put(url, json.dumps(body), content_type=JSON)


@pytest.mark.parametrize("scope", ["global", "user"])
def test_a_duration_written_as_iso_8601_is_answered_in_seconds_and_iso_8601(reminder, acme, acme_owner, scope):
    client = client_for("acme.localhost", acme_owner, acme)

    written = _put(client, f"/api/preferences/{scope}/{KEY}/", {"value": "PT2H"})

    assert written.status_code == 200, written.json()
    assert (written.json()["value"], written.json()["iso8601"]) == (7200, {"value": "PT2H", "default": "PT8H"})
    read = client.get(f"/api/preferences/{scope}/").json()
    [item] = [item for item in read if item["key"] == KEY]
    assert (item["value"], item["iso8601"]) == (7200, {"value": "PT2H", "default": "PT8H"})
    plain = _put(client, f"/api/preferences/{scope}/{KEY}/", {"value": 90})
    assert plain.json()["iso8601"]["value"] == "PT1M30S"
    text = next(item for item in read if item["schema"]["type"] == "string")
    assert text["iso8601"] is None  # a value that is no duration


def test_an_out_of_bounds_duration_is_refused_in_the_same_units(reminder, acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, acme)

    refused = _put(client, f"/api/preferences/user/{KEY}/", {"value": "PT10S"})

    assert refused.status_code == 400
    assert "minute" in " ".join(refused.json()["errors"][KEY])


def test_the_defaults_api_answers_a_duration_default_in_both_forms(reminder, acme, acme_owner):
    with schema_context("acme"):
        sales = Group.objects.create(name="Sales")
    client = client_for("acme.localhost", acme_owner, acme)

    organisation = _put(client, f"/api/preferences/defaults/organisation/{KEY}/", {"value": "P1D", "locked": True})
    group = _put(client, f"/api/preferences/defaults/groups/{sales.pk}/{KEY}/", {"value": 1800})

    assert organisation.status_code == 200, organisation.json()
    assert organisation.json()["value"] == 86400
    assert organisation.json()["iso8601"] == {"value": "P1D", "code_default": "PT8H"}
    assert group.json()["iso8601"] == {"value": "PT30M", "code_default": "PT8H"}
    listed = client.get(f"/api/preferences/defaults/groups/{sales.pk}/").json()
    [item] = [item for item in listed if item["key"] == KEY]
    assert item["iso8601"] == {"value": "PT30M", "code_default": "PT8H"}
    text = next(item for item in listed if item["key"] == "appearance__theme")
    assert text["iso8601"] is None


def test_the_openapi_schema_documents_the_iso_8601_field(acme, acme_owner):
    schema = client_for("acme.localhost", acme_owner, acme).get("/api/schema/?format=json").json()

    for component in ("PreferenceOutput", "DefaultOutput", "Override"):  # the tenant API; LiveSetting is the console's
        field = schema["components"]["schemas"][component]["properties"]["iso8601"]
        assert "ISO 8601" in field["description"] and field["nullable"] is True
