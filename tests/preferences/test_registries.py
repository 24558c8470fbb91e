"""Registries: autodiscovery, and how each scope's registry reaches its values (its store and manager)."""

import pytest
from django_tenants.utils import schema_context

from apps.preferences import cache
from apps.preferences.registries import (
    global_preferences_registry,
    site_preferences_registry,
    user_preferences_registry,
)
from apps.preferences.stores import GlobalStore, SiteStore, UserStore
from tests.conftest import make_user


def test_product_preferences_are_autodiscovered():
    from apps.preferences.registries import global_preferences_registry, user_preferences_registry

    assert "general__title" in global_preferences_registry
    assert "appearance__theme" in user_preferences_registry


def test_each_registry_makes_the_store_of_its_scope_bound_to_itself(acme):
    alice = make_user(acme, "alice")
    with schema_context("acme"):
        site, tenant, user = (
            site_preferences_registry.store(),
            global_preferences_registry.store(),
            user_preferences_registry.store(alice),
        )

    assert (type(site), type(tenant), type(user)) == (SiteStore, GlobalStore, UserStore)
    assert site.registry is site_preferences_registry
    assert tenant.registry is global_preferences_registry
    assert user.registry is user_preferences_registry and user.user == alice


def test_a_tenants_store_and_manager_share_one_snapshot_key_built_in_one_place(acme):
    with schema_context("acme"):
        store = global_preferences_registry.store()
        manager = global_preferences_registry.manager()
        pinned = cache.scope_keys_for_current_schema()

    assert store.cache_key == manager.cache_key == cache.global_key("acme") == "global:acme"
    assert pinned == [cache.SITE_KEY, "global:acme"]
    assert site_preferences_registry.store().cache_key == site_preferences_registry.manager().cache_key == "site"


def test_the_public_schema_has_no_tenant_store(db):
    with pytest.raises(RuntimeError, match="public schema has none"):
        global_preferences_registry.store()
