"""The collection of declared preferences every registry is: registering, looking up, describing."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.preferences import types
from apps.preferences.declarations import PreferenceRegistry

section = types.Section("billing")


def make_registry():
    registry = PreferenceRegistry(verbose_name="test preferences")

    @registry.register
    class Currency(types.ChoicePreference):
        section = "billing"
        name = "currency"
        choices = [("EUR", "Euro"), ("USD", "US dollar")]
        default = "EUR"
        help_text = "Invoices are issued in it."

    @registry.register
    class Seats(types.IntegerPreference):
        section = "billing"
        name = "seats"
        default = 5
        field_kwargs = {"min_value": 1, "max_value": 100}

    @registry.register
    class Motto(types.StringPreference):
        name = "motto"
        default = "Hello"

    return registry


def test_lookup_by_key_and_by_name_and_section_return_the_same_preference():
    registry = make_registry()

    assert registry.get("billing__seats") is registry.get(name="seats", section="billing")
    assert registry.get("motto") is registry.get(name="motto")


def test_preferences_keep_declaration_order_and_filter_by_section():
    registry = make_registry()

    assert [p.identifier for p in registry.preferences()] == ["billing__currency", "billing__seats", "motto"]
    assert [p.name for p in registry.preferences("billing")] == ["currency", "seats"]
    assert [s.name for s in registry.sections()] == ["billing"]


def test_unknown_key_raises_key_error_naming_close_matches():
    with pytest.raises(KeyError, match="billing__seats"):
        make_registry().get("billing__seat")


def test_two_preferences_with_one_key_is_an_error_naming_both():
    registry = make_registry()

    class OtherSeats(types.IntegerPreference):
        section = "billing"
        name = "seats"
        default = 1

    with pytest.raises(ImproperlyConfigured) as error:
        registry.register(OtherSeats)

    assert "Seats" in str(error.value) and "OtherSeats" in str(error.value)


@pytest.mark.parametrize(("section_name", "name"), [("billing", "two words"), ("billing", "a__b"), ("bill-ing", "x")])
def test_names_and_sections_with_spaces_double_underscores_or_hyphens_are_refused(section_name, name):
    bad = type("Bad", (types.StringPreference,), {"section": section_name, "name": name, "default": ""})

    with pytest.raises(ImproperlyConfigured):
        make_registry().register(bad)


def test_a_preference_without_a_default_is_refused():
    class NoDefault(types.StringPreference):
        name = "nodefault"

    with pytest.raises(ImproperlyConfigured, match="no default"):
        make_registry().register(NoDefault)


def test_a_default_may_come_from_a_getter():
    class Computed(types.IntegerPreference):
        name = "computed"

        def get_default(self):
            return 42

    registry = make_registry()
    registry.register(Computed)

    assert registry.get("computed").get_default() == 42


def test_json_schema_describes_types_defaults_bounds_choices_and_help():
    schema = make_registry().json_schema()

    assert schema["type"] == "object"
    assert schema["properties"]["billing__seats"] == {
        "type": "integer",
        "title": "Seats",
        "default": 5,
        "minimum": 1,
        "maximum": 100,
    }
    currency = schema["properties"]["billing__currency"]
    assert currency["enum"] == ["EUR", "USD"]
    assert currency["description"] == "Invoices are issued in it."
    assert schema["properties"]["motto"]["default"] == "Hello"
