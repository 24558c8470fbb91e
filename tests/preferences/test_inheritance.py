"""Inheritance of user preferences: organisation and group defaults, locks, group priority, the write path."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.accounts.models import GroupProfile
from apps.preferences.cache import snapshots_pinned
from apps.preferences.models import PreferenceChange, UserPreferenceDefault
from apps.preferences.registries import user_preferences_registry
from apps.preferences.services import preference_lock, preference_reset, preference_revert, preferences_set
from apps.tenants.models import Tenant
from tests.conftest import make_user

KEY = "appearance__items_per_page"


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    with schema_context(acme.schema_name):
        yield acme


def _group(name: str, priority: int | None = None) -> Group:
    group = Group.objects.get_or_create(name=name)[0]
    if priority is not None:
        GroupProfile.objects.update_or_create(group=group, defaults={"priority": priority})
    return group


def _fresh(user: Any) -> Any:
    """The user as a new request loads them (a new manager)."""
    return type(user).objects.get(pk=user.pk)


def _org(value: Any, **kwargs: Any) -> None:
    preferences_set(store=user_preferences_registry.organisation_defaults_store(), values={KEY: value}, **kwargs)


def _set_group(group: Group, value: Any) -> None:
    preferences_set(store=user_preferences_registry.group_defaults_store(group), values={KEY: value})


def test_without_defaults_the_code_default_applies(in_acme: Tenant) -> None:
    alice = make_user(in_acme, "alice")
    resolution = _fresh(alice).preferences.resolve(KEY)
    assert (resolution.value, resolution.source, resolution.label) == (25, "default", "default")


def test_the_organisation_default_reaches_members_without_a_value(in_acme: Tenant) -> None:
    alice = make_user(in_acme, "alice")
    _org(50)
    alice = _fresh(alice)
    assert alice.preferences[KEY] == 50
    assert alice.preferences.resolve(KEY).label == "from your organisation"


def test_the_highest_priority_group_wins_and_groups_without_priority_come_last(in_acme: Tenant) -> None:
    alice = make_user(in_acme, "alice", groups=("Sales", "Aardvarks", "Support"))
    _set_group(_group("Aardvarks"), 10)  # no GroupProfile: last, although first by name
    _set_group(_group("Support", priority=2), 20)
    _set_group(_group("Sales", priority=1), 30)
    _org(50)
    resolution = _fresh(alice).preferences.resolve(KEY)
    assert (resolution.value, resolution.label) == (30, "from group Sales")


def test_the_users_own_value_wins_over_defaults_and_says_what_it_would_inherit(in_acme: Tenant) -> None:
    alice = make_user(in_acme, "alice", groups=("Sales",))
    _set_group(_group("Sales"), 30)
    alice.preferences[KEY] = 100
    resolution = _fresh(alice).preferences.resolve(KEY)
    assert (resolution.value, resolution.label) == (100, "your value")
    assert resolution.inherited is not None
    assert (resolution.inherited.value, resolution.inherited.label) == (30, "from group Sales")


def test_use_inherited_is_a_reset_of_the_own_value(in_acme: Tenant) -> None:
    alice = make_user(in_acme, "alice", groups=("Sales",))
    _set_group(_group("Sales"), 30)
    alice.preferences[KEY] = 100
    preference_reset(store=user_preferences_registry.store(alice), key=KEY)
    assert _fresh(alice).preferences[KEY] == 30


def test_an_organisation_lock_beats_a_group_lock_and_the_users_value(in_acme: Tenant) -> None:
    alice = make_user(in_acme, "alice", groups=("Sales",))
    alice.preferences[KEY] = 100
    sales = _group("Sales")
    _set_group(sales, 30)
    preference_lock(store=user_preferences_registry.group_defaults_store(sales), key=KEY, locked=True)
    assert _fresh(alice).preferences.resolve(KEY).label == "locked by group Sales"
    _org(50)
    preference_lock(store=user_preferences_registry.organisation_defaults_store(), key=KEY, locked=True)
    resolution = _fresh(alice).preferences.resolve(KEY)
    assert (resolution.value, resolution.label, resolution.locked) == (50, "locked by your organisation", True)


def test_locking_without_a_stored_default_keeps_the_value_members_see(in_acme: Tenant) -> None:
    alice = make_user(in_acme, "alice")
    result = preference_lock(store=user_preferences_registry.organisation_defaults_store(), key=KEY, locked=True)
    assert result is not None and result.locked
    assert UserPreferenceDefault.objects.get(group=None, name="items_per_page").raw_value == "25"
    assert _fresh(alice).preferences.resolve(KEY).source == "locked-organisation"


def test_the_write_path_refuses_a_users_value_of_a_locked_preference(in_acme: Tenant) -> None:
    alice = make_user(in_acme, "alice")
    _org(50)
    preference_lock(store=user_preferences_registry.organisation_defaults_store(), key=KEY, locked=True)
    with pytest.raises(ValidationError, match="Locked by your organisation"):
        preferences_set(store=user_preferences_registry.store(alice), values={KEY: 75})
    assert _fresh(alice).preferences.raw(KEY) is None


def test_defaults_are_validated_and_recorded_with_their_lock(in_acme: Tenant) -> None:
    with pytest.raises(ValidationError):
        _org(1)  # below the preference's minimum
    _org(50, actor="olivia")
    preference_lock(store=user_preferences_registry.organisation_defaults_store(), key=KEY, locked=True)
    changes = list(PreferenceChange.objects.filter(scope="org_default").order_by("id"))
    assert [(c.old_raw_value, c.new_raw_value, c.locked) for c in changes] == [(None, "50", False), ("50", "50", True)]


def test_reverting_a_lock_unlocks(in_acme: Tenant) -> None:
    store = user_preferences_registry.organisation_defaults_store()
    _org(50)
    preference_lock(store=store, key=KEY, locked=True)
    lock = PreferenceChange.objects.filter(scope="org_default").latest("id")
    preference_revert(store=store, change=lock)
    assert UserPreferenceDefault.objects.get(group=None, name="items_per_page").locked is False


def test_group_defaults_load_with_the_users_values_in_one_query_and_reads_cost_none(
    in_acme: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    names = [f"Group {n}" for n in range(10)]
    alice = make_user(in_acme, "alice", groups=tuple(names))
    with django_capture_on_commit_callbacks(execute=True):  # committed: the snapshot is read, not the table
        for index, name in enumerate(names):
            _set_group(_group(name, priority=index), 30 + index)
        _org(50)
    alice = _fresh(alice)
    with snapshots_pinned():
        alice.preferences["appearance__theme"]  # the tenant's snapshot and the user's rows
        with CaptureQueriesContext(connection) as queries:
            for _ in range(100):
                assert alice.preferences[KEY] == 30
                alice.preferences.resolve("appearance__theme")
    assert len(queries) == 0


def test_a_users_first_read_is_one_query_whatever_the_number_of_groups(
    in_acme: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    counts = []
    for count in (1, 10):
        names = [f"G{count}-{n}" for n in range(count)]
        user = make_user(in_acme, f"user{count}", groups=tuple(names))
        with django_capture_on_commit_callbacks(execute=True):
            for name in names:
                _set_group(_group(name), 40)
        user = _fresh(user)
        with snapshots_pinned():
            user.preferences["appearance__theme"]  # warm the tenant's snapshot through another path
            user.preferences.store().forget()
            with CaptureQueriesContext(connection) as queries:
                user.preferences[KEY]
        counts.append(len(queries))
    assert counts == [1, 1]


def test_the_read_path_gives_the_value_resolve_gives_in_every_combination() -> None:
    import itertools

    from apps.preferences.managers import _inherited_value, user_preference_resolve
    from apps.preferences.registries import user_preferences_registry
    from apps.preferences.stores import StoredDefault

    preference = user_preferences_registry.get(KEY)
    owns = [None, ("7", 7)]
    organisations = [None, StoredDefault("40", 40, False), StoredDefault("41", 41, True)]
    group_choices = [StoredDefault("50", 50, False, 1, "A"), StoredDefault("51", 51, True, 1, "A")]
    second_choices = [StoredDefault("60", 60, False, 2, "B"), StoredDefault("61", 61, True, 2, "B")]
    group_lists = [[]] + [[g] for g in group_choices] + [[g, h] for g in group_choices for h in second_choices]
    for own, organisation, groups in itertools.product(owns, organisations, group_lists):
        arguments = {"own": own, "groups": groups, "organisation": organisation}
        assert _inherited_value(preference, **arguments) == user_preference_resolve(preference, **arguments).value
