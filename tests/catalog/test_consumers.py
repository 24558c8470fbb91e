"""Every registered preference has an effect: it names the pages it changes, and they render differently.

A preference without `consumers`, or whose pages look the same for two of its values, is a setting that does
nothing (issue 15): this test fails for it. Two values are chosen from the type (choices, on/off, bounds), or
from VALUES where the type's own would not show (a bound the preference refuses, an empty default).
"""

import datetime
import re
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse
from django_tenants.utils import schema_context

from apps.preferences.registries import global_preferences_registry, user_preferences_registry
from apps.preferences.types import BooleanPreference, ChoicePreference, IntegerPreference, StringPreference
from apps.projects.lists.models import TaskStatus
from apps.projects.models import Task

TENANT_URLCONF = "portal.urls_tenants"
VALUES: dict[str, tuple[Any, Any]] = {
    "general__support_email": ("", "help@example.com"),
    "general__max_upload_mb": (1, 10),
    # An override may only be lower than the site's value (8 hours).
    "livesettings__session_expire_seconds": (600, 3600),
    # When people hear (apps.notifications.timing): values each preference's own validation accepts.
    "notifications__quiet_sms": ("", "22:00-07:00"),
    "notifications__quiet_email": ("", "22:00-07:00"),
    "notifications__quiet_in_app": ("", "22:00-07:00"),
    "notifications__paused_until": ("", "2099-01-01T00:00+00:00"),
    "notifications__digest_time": (datetime.time(8, 0), datetime.time(18, 30)),
}
# What else must be set for a preference to show: the time of daily digests is shown beside a daily digest.
GIVEN: dict[str, dict[str, Any]] = {"notifications__digest_time": {"notifications__digest_projects": "daily"}}
# Random per response: the CSRF token (in forms and in htmx's headers).
_VOLATILE = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def _registered() -> list[tuple[str, Any]]:
    return [("user", p) for p in user_preferences_registry] + [("global", p) for p in global_preferences_registry]


def _two_values(preference: Any) -> tuple[Any, Any]:
    if preference.identifier in VALUES:
        return VALUES[preference.identifier]
    if isinstance(preference, BooleanPreference):
        return False, True
    if isinstance(preference, ChoicePreference):
        first, second = [value for value, _ in preference.get_choices()][:2]
        return first, second
    if isinstance(preference, IntegerPreference):
        kwargs = preference.get_field_kwargs()
        low = kwargs.get("min_value", 0)
        return low, kwargs.get("max_value", low + 100)
    if isinstance(preference, StringPreference):
        return "", "A value to see"
    raise AssertionError(f"Give {preference.identifier} two values to compare in VALUES.")


def _set(scope: str, preference: Any, value: Any, user: Any) -> None:
    with schema_context("acme"):
        manager = user.preferences if scope == "user" else global_preferences_registry.manager()
        manager[preference.identifier] = value


def _page(client: Any, url_name: str) -> str:
    html = client.get(reverse(url_name, urlconf=TENANT_URLCONF)).content.decode()
    return _VOLATILE.sub(r"\1", html)


@pytest.mark.parametrize(("scope", "key"), [(scope, p.identifier) for scope, p in _registered()])
def test_each_preference_names_pages_that_show_a_difference_between_two_values(
    scope, key, acme, acme_owner, client_of, lov_defaults
):
    registry = user_preferences_registry if scope == "user" else global_preferences_registry
    preference = registry.get(key)
    assert preference.consumers, f"{key} names no page it has an effect on (`consumers`): it does nothing."
    with schema_context("acme"):
        # Enough rows for page sizes to differ, some due this week: the lists and week views have content.
        status = TaskStatus.objects.get(name="To do")
        monday = datetime.date.today() - datetime.timedelta(days=datetime.date.today().weekday())
        Task.objects.bulk_create(
            Task(title=f"Task {n}", status=status, due_date=monday + datetime.timedelta(days=n % 7)) for n in range(12)
        )
    client = client_of(acme_owner, acme)
    for given_key, given_value in GIVEN.get(key, {}).items():
        _set("user", user_preferences_registry.get(given_key), given_value, acme_owner)
    first, second = _two_values(preference)
    for url_name in preference.consumers:
        try:
            reverse(url_name, urlconf=TENANT_URLCONF)
        except NoReverseMatch:
            pytest.fail(f"{key} names {url_name!r} as a consumer, which is no page.")
        _set(scope, preference, first, acme_owner)
        before = _page(client, url_name)
        _set(scope, preference, second, acme_owner)
        after = _page(client, url_name)
        assert before != after, f"{url_name} looks the same with {key} = {first!r} and {second!r}."
