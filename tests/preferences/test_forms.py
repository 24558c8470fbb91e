"""The form builders: which fields, how they look and validate, and how save() writes through the manager."""

from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django_tenants.utils import schema_context

from apps.preferences.forms import global_preference_form_builder, user_preference_form_builder
from apps.preferences.models import GlobalPreference, PreferenceChange, UserPreference
from apps.preferences.registries import global_preferences_registry
from apps.tenants.models import Tenant
from tests.conftest import make_user

STALE = "Changed by someone else since you opened this page."


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    with schema_context(acme.schema_name):
        yield acme


@pytest.fixture
def alice(in_acme: Tenant) -> Any:
    return make_user(in_acme, "alice")


def _data(form_class: type[forms.Form], **changes: Any) -> dict[str, Any]:
    """Return the data of an unchanged form of `form_class`, with `changes` applied."""
    form = form_class()
    data = {name: form[name].value() for name in form.fields}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None and value is not False}


def test_global_builder_makes_a_field_per_preference_in_declaration_order(in_acme: Tenant) -> None:
    form = global_preference_form_builder()()

    assert list(form.fields) == global_preferences_registry.keys()


def test_global_builder_limits_the_fields_to_a_section(in_acme: Tenant) -> None:
    form = global_preference_form_builder(section="general")()

    assert list(form.fields) == ["general__title", "general__support_email", "general__max_upload_mb"]


def test_builders_accept_keys_and_section_name_tuples(in_acme: Tenant, alice: Any) -> None:
    global_form = global_preference_form_builder(preferences=["locale__week_start", ("general", "title")])()
    user_form = user_preference_form_builder(alice, preferences=[("appearance", "theme")])()

    assert list(global_form.fields) == ["locale__week_start", "general__title"]
    assert list(user_form.fields) == ["appearance__theme"]


def test_builder_refuses_an_unknown_key(in_acme: Tenant) -> None:
    with pytest.raises(KeyError, match="general__title"):
        global_preference_form_builder(preferences=["general__titel"])


def test_fields_use_the_type_the_verbose_name_and_the_help_text(in_acme: Tenant) -> None:
    form = global_preference_form_builder(section="general")()

    field = form.fields["general__max_upload_mb"]
    assert isinstance(field, forms.IntegerField)
    assert (field.label, field.min_value, field.max_value) == ("Largest upload (MB)", 1, 500)
    assert form.fields["general__support_email"].help_text == "Where members should write when they need help."
    assert isinstance(
        global_preference_form_builder(section="locale")().fields["locale__week_start"], forms.ChoiceField
    )


def test_fields_start_with_the_values_in_effect(in_acme: Tenant, alice: Any) -> None:
    global_preferences_registry.manager()["general__max_upload_mb"] = 42
    alice.preferences["appearance__theme"] = "dark"

    global_form = global_preference_form_builder(section="general")()
    user_form = user_preference_form_builder(alice, section="appearance")()

    assert global_form["general__max_upload_mb"].value() == 42
    assert global_form["general__title"].value() == ""  # the default: nothing stored
    assert user_form["appearance__theme"].value() == "dark"


def test_validate_runs_and_nothing_is_saved_for_an_invalid_value(in_acme: Tenant) -> None:
    form_class = global_preference_form_builder(section="general")
    form = form_class(_data(form_class, general__support_email="not-an-address"))

    assert not form.is_valid()
    assert form.errors["general__support_email"] == ["Enter an email address such as help@example.com."]
    assert not GlobalPreference.objects.exists()


def test_save_writes_only_the_changed_values_through_the_manager(in_acme: Tenant, alice: Any) -> None:
    form_class = global_preference_form_builder(section="general")
    form = form_class(_data(form_class, general__title="Acme Intranet"))
    assert form.is_valid()

    changes = form.save(actor=alice)

    assert [change.key for change in changes] == ["general__title"]
    assert global_preferences_registry.manager()["general__title"] == "Acme Intranet"
    assert list(GlobalPreference.objects.values_list("section", "name")) == [("general", "title")]
    change = PreferenceChange.objects.get()
    assert (change.changed_by, change.source, change.old_raw_value, change.new_raw_value) == (
        "alice",
        "form",
        None,
        '"Acme Intranet"',
    )


def test_user_form_saves_to_that_user_only(in_acme: Tenant, alice: Any) -> None:
    bob = make_user(in_acme, "bob")
    form_class = user_preference_form_builder(alice, section="appearance")
    form = form_class(_data(form_class, appearance__compact_tables=True))
    assert form.is_valid()

    form.save(actor=alice)

    assert UserPreference.objects.get().user == alice
    assert type(alice).objects.get(pk=alice.pk).preferences["appearance__compact_tables"] is True
    assert type(bob).objects.get(pk=bob.pk).preferences["appearance__compact_tables"] is False


def test_concurrency_adds_a_hidden_seen_field_with_the_stored_text(in_acme: Tenant) -> None:
    global_preferences_registry.manager()["general__max_upload_mb"] = 42

    form = global_preference_form_builder(section="general", concurrency=True)()

    assert form["general__max_upload_mb__seen"].value() == "42"
    assert form["general__title__seen"].value() == ""
    assert form.fields["general__title__seen"].widget.is_hidden


def test_a_stale_save_is_refused_and_shows_the_current_value(in_acme: Tenant) -> None:
    form_class = global_preference_form_builder(section="general", concurrency=True)
    data = _data(form_class, general__max_upload_mb="50")
    global_preferences_registry.manager()["general__max_upload_mb"] = 42  # someone else, after the page opened

    form = form_class(data)
    assert form.is_valid()
    changes = form.save()

    assert changes == []
    assert form.errors["general__max_upload_mb"] == [STALE]
    assert form["general__max_upload_mb"].value() == 42
    assert form["general__max_upload_mb__seen"].value() == "42"
    assert global_preferences_registry.manager()["general__max_upload_mb"] == 42


def test_a_stale_save_of_a_multiple_choice_shows_every_current_choice(acme, test_preferences):
    from django.http import QueryDict

    from apps.preferences.forms import global_preference_form_builder

    with schema_context("acme"):
        manager = global_preferences_registry.manager()
        manager["testing__channels"] = ["mail"]
        form_class = global_preference_form_builder(preferences=["testing__channels"], concurrency=True)
        seen = manager.raw("testing__channels")
        manager["testing__channels"] = ["mail", "chat"]  # someone else, meanwhile
        data = QueryDict(mutable=True)
        data.setlist("testing__channels", ["chat"])
        data["testing__channels__seen"] = seen

        form = form_class(data)
        assert form.is_valid()
        form.save()

        assert "testing__channels" in form.errors
        assert form.data.getlist("testing__channels") == ["mail", "chat"]
        assert manager["testing__channels"] == ["mail", "chat"]


def test_saving_one_field_at_its_computed_default_stores_the_choice(in_acme: Tenant, badge_model, key_preferences):
    silver = badge_model._default_manager.create(label="silver")
    form_class = global_preference_form_builder(preferences=["testing__first_badge"])
    form = form_class({"testing__first_badge": str(silver.pk)})
    assert form.is_valid()

    changes = form.save(actor="olivia")
    badge_model._default_manager.create(label="bronze")

    assert [change.key for change in changes] == ["testing__first_badge"]
    assert global_preferences_registry.manager()["testing__first_badge"] == silver


def test_a_tab_saved_whole_leaves_an_untouched_computed_default_unstored(in_acme: Tenant, badge_model, key_preferences):
    silver = badge_model._default_manager.create(label="silver")
    form_class = global_preference_form_builder(section="testing")
    data = _data(form_class, testing__first_badge=str(silver.pk))
    form = form_class(data)
    assert form.is_valid(), form.errors

    form.save(actor="olivia")

    assert global_preferences_registry.manager().raw("testing__first_badge") is None
