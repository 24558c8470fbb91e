import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.preferences.cache import snapshots_pinned
from apps.preferences.models import GlobalPreference, PreferenceChange, UserPreference
from apps.preferences.registries import global_preferences_registry, instance_preferences_registry
from apps.preferences.services import preferences_set
from tests.conftest import make_user
from tests.preferences.conftest import Retries

pytestmark = pytest.mark.usefixtures("test_preferences")


def test_reading_an_unset_key_returns_the_default_and_writes_nothing(acme):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()

        assert manager["testing__retries"] == 3
        assert manager.is_default("testing__retries")
        assert not GlobalPreference.objects.exists()


def test_a_changed_default_in_code_reaches_every_unset_key(acme, monkeypatch):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()
        assert manager["testing__retries"] == 3

        monkeypatch.setattr(Retries, "default", 7)

        assert manager["testing__retries"] == 7


def test_set_read_and_reset(acme):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()

        manager["testing__retries"] = 5
        assert manager["testing__retries"] == 5
        assert GlobalPreference.objects.get(section="testing", name="retries").raw_value == "5"

        manager.reset("testing__retries")
        assert manager["testing__retries"] == 3
        assert not GlobalPreference.objects.exists()


@pytest.mark.parametrize(
    ("key", "falsy"),
    [("testing__retries", 0), ("testing__enabled", False), ("testing__greeting", ""), ("testing__channels", [])],
)
def test_stored_falsy_values_read_back_as_themselves(acme, key, falsy):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()

        manager[key] = falsy

        assert manager[key] == falsy
        assert not manager.is_default(key)


def test_mutating_a_returned_list_does_not_change_the_next_read(acme):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()
        manager["testing__channels"] = ["mail", "chat"]

        manager["testing__channels"].append("pigeon")
        manager.all()["testing__channels"].clear()

        assert manager["testing__channels"] == ["mail", "chat"]
        assert manager["testing__channels"] is not manager["testing__channels"]


def test_invalid_values_raise_validation_error_and_write_nothing(acme):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()

        for key, bad in [
            ("testing__retries", 11),
            ("testing__retries", "many"),
            ("testing__retries", True),
            ("testing__enabled", "yes"),
            ("testing__greeting", "a forbidden word"),
            ("testing__greeting", 42),
            ("testing__greeting", ["not", "text"]),
            ("testing__channels", ["fax"]),
            ("testing__retries", None),
        ]:
            with pytest.raises(ValidationError):
                manager[key] = bad

        assert not GlobalPreference.objects.exists()
        assert not PreferenceChange.objects.exists()


def test_update_is_all_or_nothing(acme):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()

        with pytest.raises(ValidationError) as error:
            manager.update({"testing__retries": 4, "testing__greeting": "forbidden"})

        assert list(error.value.message_dict) == ["testing__greeting"]
        assert manager["testing__retries"] == 3
        assert not GlobalPreference.objects.exists()

        manager.update({"testing__retries": 4, "testing__greeting": "hi"})
        assert (manager["testing__retries"], manager["testing__greeting"]) == (4, "hi")


def test_unknown_key_raises_key_error_with_close_matches(acme):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()

        with pytest.raises(KeyError, match="testing__retries"):
            manager["testing__retrie"]
        with pytest.raises(KeyError):
            manager["testing__retrie"] = 1


def test_dict_helpers_all_by_name_get_by_name_and_section_less_keys(acme):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()
        manager["motto"] = "veni vidi"

        assert "testing__retries" in manager and "nope" not in manager
        assert manager["motto"] == "veni vidi"
        assert manager.all()["testing__retries"] == 3
        assert manager.by_name()["retries"] == 3
        assert manager.by_name()["motto"] == "veni vidi"
        assert manager.get_by_name("greeting") == "hello"


def test_strings_are_cleaned_like_form_input(acme):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()

        manager["testing__retries"] = "6"

        assert manager["testing__retries"] == 6


def test_model_choice_whose_row_is_deleted_reads_as_default(acme):
    with schema_context("acme"):
        group = Group.objects.create(name="Ops")
        manager = global_preferences_registry.manager()
        manager["testing__favourite_group"] = group
        assert manager["testing__favourite_group"] == group

        group.delete()

        assert global_preferences_registry.manager()["testing__favourite_group"] is None


def test_global_preferences_are_isolated_per_tenant(acme, globex):
    with schema_context("acme"):
        global_preferences_registry.manager()["testing__retries"] = 9
    with schema_context("globex"):
        assert global_preferences_registry.manager()["testing__retries"] == 3
        global_preferences_registry.manager()["testing__retries"] = 1
    with schema_context("acme"):
        assert global_preferences_registry.manager()["testing__retries"] == 9


def test_user_preferences_belong_to_one_user_of_one_tenant(acme, globex):
    alice = make_user(acme, "alice")
    bob = make_user(acme, "bob")
    globex_alice = make_user(globex, "alice")
    with schema_context("acme"):
        alice.preferences["appearance__theme"] = "dark"
        assert bob.preferences["appearance__theme"] == "auto"
        assert UserPreference.objects.filter(user=alice).count() == 1
    with schema_context("globex"):
        assert globex_alice.preferences["appearance__theme"] == "auto"


def test_a_users_preferences_load_with_one_query(acme, django_assert_num_queries):
    alice = make_user(acme, "alice")
    with schema_context("acme"):
        alice.preferences.update({"appearance__theme": "dark", "appearance__items_per_page": 50})
        alice.refresh_from_db()
        fresh = type(alice).objects.get(pk=alice.pk)

        # As in a request: the tenant's snapshot (with its defaults of user preferences) is pinned already.
        with snapshots_pinned():
            fresh.preferences.organisation_defaults()
            type(alice).objects.exists()  # the loader switched schemas: the connection sets its search path again
            with django_assert_num_queries(1):
                values = fresh.preferences.all()
                assert fresh.preferences["appearance__theme"] == "dark"

    assert values["appearance__items_per_page"] == 50


def test_any_model_can_have_per_instance_preferences(acme):
    registry = instance_preferences_registry(Group)
    if "testing__retries" not in registry:
        registry.register(Retries)
    with schema_context("acme"):
        sales, support = Group.objects.create(name="Sales"), Group.objects.create(name="Support")

        sales.preferences["testing__retries"] = 8

        assert sales.preferences["testing__retries"] == 8
        assert support.preferences["testing__retries"] == 3
        assert Group.objects.get(pk=sales.pk).preferences["testing__retries"] == 8


def test_templates_read_user_and_global_preferences(acme, rf):
    from django.template import Context, Template

    alice = make_user(acme, "alice")
    with schema_context("acme"):
        alice.preferences["appearance__theme"] = "dark"
        global_preferences_registry.manager()["testing__greeting"] = "howdy"
        template = Template("{{ user.preferences.appearance__theme }}/{{ global_preferences.testing__greeting }}")

        rendered = template.render(
            Context({"user": alice, "global_preferences": global_preferences_registry.manager()})
        )

    assert rendered == "dark/howdy"


def test_manager_writes_are_recorded_as_code_changes_by_the_system(acme):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()

        manager["testing__retries"] = 5
        manager.update({"testing__retries": 6})
        result = manager.reset("testing__retries")

        history = list(PreferenceChange.objects.order_by("id").values_list("changed_by", "source"))
    assert history == [("system", "manager")] * 3
    assert (result.key, result.old_value, result.new_value) == ("testing__retries", 6, 3)
    # The actor and the source are arguments of the service, never state of a manager.
    assert not hasattr(manager, "actor") and not hasattr(manager, "source")


def test_a_users_manager_reads_what_the_service_wrote_through_its_store(acme):
    alice = make_user(acme, "alice")
    with schema_context("acme"):
        assert alice.preferences["appearance__theme"] == "auto"  # loaded once, and kept

        preferences_set(
            store=alice.preferences.store(), values={"appearance__theme": "dark"}, actor=alice, source="form"
        )

        assert alice.preferences["appearance__theme"] == "dark"
        assert PreferenceChange.objects.get().changed_by == "alice"
