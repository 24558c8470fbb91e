"""Stores: one owner's rows, decoded in one query; a per-request store keeps what it loaded until a write."""

import logging

from django_tenants.utils import schema_context

from apps.preferences.models import GlobalPreference
from apps.preferences.registries import global_preferences_registry, user_preferences_registry
from apps.preferences.services import preferences_set
from apps.preferences.stores import decode_rows
from tests.conftest import make_user


def test_rows_of_undeclared_keys_and_undecodable_values_are_left_out(acme, caplog):
    rows = [("general", "title", '"Acme"'), ("general", "gone", '"x"'), ("general", "max_upload_mb", '"many"')]

    with caplog.at_level(logging.WARNING, logger="apps.preferences.stores"):
        values = decode_rows(global_preferences_registry, rows)

    assert values == {"general__title": ('"Acme"', "Acme")}
    assert "general__max_upload_mb" in caplog.text and "using the default" in caplog.text


def test_a_store_loads_its_owners_values_in_one_query(acme, django_assert_num_queries):
    with schema_context("acme"):
        GlobalPreference.objects.create(section="general", name="title", raw_value='"Acme"')
        store = global_preferences_registry.store()

        with django_assert_num_queries(1):
            assert store.load() == {"general__title": ('"Acme"', "Acme")}


def test_a_user_store_keeps_what_it_loaded_until_the_service_writes_through_it(acme, django_assert_num_queries):
    alice = make_user(acme, "alice")
    with schema_context("acme"):
        store = user_preferences_registry.store(alice)
        assert store.loaded() == {}
        with django_assert_num_queries(0):
            assert store.loaded() == {}

        preferences_set(store=store, values={"appearance__theme": "dark"}, actor=alice, source="form")

        assert store.loaded() == {"appearance__theme": ('"dark"', "dark")}
