import zoneinfo

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.preferences.models import GlobalPreference, PreferenceChange
from apps.preferences.registries import global_preferences_registry
from apps.preferences.services import (
    ANY,
    PreferenceChangeResult,
    StaleValueError,
    preference_check_fresh,
    preference_reset,
    preference_revert,
    preferences_set,
)
from apps.preferences.signals import preference_updated
from tests.conftest import make_user
from tests.preferences.conftest import Retries
from tests.support.concurrency import run_at_once

pytestmark = pytest.mark.usefixtures("test_preferences")


@pytest.fixture
def received():
    calls = []

    def receiver(**kwargs):
        calls.append(kwargs)

    preference_updated.connect(receiver)
    yield calls
    preference_updated.disconnect(receiver)


def test_signal_fires_once_per_changed_key_with_old_and_new_values_on_commit(
    acme, received, django_capture_on_commit_callbacks
):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()
        with django_capture_on_commit_callbacks(execute=True):
            manager.update({"testing__retries": 5, "testing__greeting": "hi", "testing__enabled": True})

    # testing__enabled was already True (its default): no change, no signal.
    assert [(c["section"], c["name"], c["old_value"], c["new_value"]) for c in received] == [
        ("testing", "retries", 3, 5),
        ("testing", "greeting", "hello", "hi"),
    ]
    assert received[0]["sender"] is Retries
    assert received[0]["instance"].raw_value == "5"
    assert received[0]["scope"] == "global"


def test_signal_is_not_sent_before_commit_nor_for_a_no_op_write(acme, received, django_capture_on_commit_callbacks):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            manager["testing__retries"] = 4
        assert received == [] and len(callbacks) == 1

        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            manager["testing__retries"] = 4
        assert callbacks == []


def test_every_change_is_recorded_with_who_when_and_old_and_new(acme, django_capture_on_commit_callbacks):
    owner = make_user(acme, "olivia", owner=True)
    with schema_context("acme"):
        store = global_preferences_registry.store()
        preferences_set(store=store, values={"testing__retries": 5}, actor=owner, source="form")
        preferences_set(store=store, values={"testing__retries": 6}, actor=owner, source="form")
        preference_reset(store=store, key="testing__retries", actor=owner, source="form")

        history = list(
            PreferenceChange.objects.order_by("id").values_list(
                "old_raw_value", "new_raw_value", "changed_by", "source"
            )
        )

    assert history == [(None, "5", "olivia", "form"), ("5", "6", "olivia", "form"), ("6", None, "olivia", "form")]


def test_revert_puts_the_old_value_back_and_is_itself_a_change(acme):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()
        manager["testing__retries"] = 5
        manager["testing__retries"] = 9
        change = PreferenceChange.objects.get(new_raw_value="9")

        preference_revert(store=global_preferences_registry.store(), change=change, actor="olivia")

        assert manager["testing__retries"] == 5
        latest = PreferenceChange.objects.order_by("-id").first()
        assert (latest.old_raw_value, latest.new_raw_value, latest.source, latest.changed_by) == (
            "9",
            "5",
            "revert",
            "olivia",
        )


def test_a_write_based_on_a_stale_value_is_refused(acme):
    with schema_context("acme"):
        manager = global_preferences_registry.manager()
        manager["testing__retries"] = 5
        seen = manager.raw("testing__retries")
        manager["testing__retries"] = 6  # someone else, meanwhile

        with pytest.raises(StaleValueError) as error:
            manager.update({"testing__retries": 7}, expected_raw={"testing__retries": seen})

        assert error.value.current_raw == "6"
        assert manager["testing__retries"] == 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_to_one_key_leave_one_row_and_no_error(committed_tenants):
    def write(value):
        global_preferences_registry.manager()["testing__retries"] = value

    run_at_once(write, (4, 5, 6, 7), schema="acme")  # raises what any writer raised

    with schema_context("acme"):
        rows = list(GlobalPreference.objects.filter(section="testing", name="retries"))
        assert len(rows) == 1
        assert rows[0].raw_value in {"4", "5", "6", "7"}
        assert PreferenceChange.objects.filter(name="retries").count() >= 1


@pytest.mark.django_db(transaction=True)
def test_two_first_writers_of_a_key_cannot_both_pass_the_stale_check(committed_tenants):
    def write(value):
        try:
            # Both opened the page while the key was at its default (nothing stored: expected_raw None).
            global_preferences_registry.manager().update(
                {"testing__retries": value}, expected_raw={"testing__retries": None}
            )
        except StaleValueError:
            return "stale"
        return "saved"

    outcomes = run_at_once(write, (4, 5), schema="acme")

    assert sorted(outcomes) == ["saved", "stale"]
    with schema_context("acme"):
        history = list(PreferenceChange.objects.filter(name="retries").values_list("old_raw_value", flat=True))
    assert history == [None]  # one change, from the default


# --- typed results ---------------------------------------------------------------------------------
def test_every_write_returns_a_typed_change_with_values_and_stored_text(acme):
    with schema_context("acme"):
        store = global_preferences_registry.store()

        (first,) = preferences_set(store=store, values={"testing__retries": 5}, actor="olivia", source="form")
        (second,) = preferences_set(store=store, values={"testing__retries": 6}, actor="olivia", source="form")
        reset = preference_reset(store=store, key="testing__retries", actor="olivia", source="form")

    assert first == PreferenceChangeResult("testing__retries", 3, 5, created=True, old_raw=None, new_raw="5")
    assert second == PreferenceChangeResult("testing__retries", 5, 6, created=False, old_raw="5", new_raw="6")
    assert reset == PreferenceChangeResult("testing__retries", 6, 3, created=False, old_raw="6", new_raw=None)


def test_a_write_of_what_is_already_in_effect_returns_no_change(acme):
    with schema_context("acme"):
        store = global_preferences_registry.store()

        assert preferences_set(store=store, values={"testing__retries": 3}) == []
        assert preference_reset(store=store, key="testing__retries") is None


# --- what a stale write says -----------------------------------------------------------------------
def test_a_stale_write_says_who_changed_the_value_when_and_what_it_is_now(acme):
    with schema_context("acme"):
        store = global_preferences_registry.store()
        preferences_set(store=store, values={"testing__channels": ["mail"]}, actor="alice", source="form")
        seen = global_preferences_registry.manager().raw("testing__channels")
        preferences_set(store=store, values={"testing__channels": ["chat", "mail"]}, actor="olivia", source="api")
        row = GlobalPreference.objects.get(name="channels")

        with pytest.raises(StaleValueError) as error:
            preferences_set(
                store=store, values={"testing__channels": []}, actor="alice", expected_raw={"testing__channels": seen}
            )

        assert GlobalPreference.objects.get(name="channels").raw_value == row.raw_value
    stale = error.value
    assert stale.messages == ["Changed by someone else since you opened this page."]
    assert (stale.key, stale.current_raw, stale.current_value) == ("testing__channels", row.raw_value, ["chat", "mail"])
    assert (stale.current_display, stale.changed_by, stale.changed_at) == ("Chat, Mail", "olivia", row.updated_at)
    at = timezone.localtime(row.updated_at, zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert stale.describe(zoneinfo.ZoneInfo("Asia/Tokyo")) == (
        f"changed by olivia at {at:%H:%M} — now Chat, Mail; your value was not saved"
    )


def test_a_stale_write_after_a_reset_names_who_reset_it_from_history(acme):
    with schema_context("acme"):
        store = global_preferences_registry.store()
        preferences_set(store=store, values={"testing__retries": 5}, actor="alice")
        preference_reset(store=store, key="testing__retries", actor="olivia", source="admin")
        reset = PreferenceChange.objects.order_by("-id").first()

        with pytest.raises(StaleValueError) as error:
            preference_reset(store=store, key="testing__retries", expected_raw="5")

    stale = error.value
    assert (stale.current_raw, stale.current_value, stale.current_display) == (None, 3, "3")
    assert (stale.changed_by, stale.changed_at) == ("olivia", reset.changed_at)


def test_checking_freshness_reads_without_writing(acme):
    with schema_context("acme"):
        store = global_preferences_registry.store()
        preferences_set(store=store, values={"testing__retries": 5}, actor="alice")

        preference_check_fresh(store=store, key="testing__retries", expected_raw="5")
        preference_check_fresh(store=store, key="testing__retries", expected_raw=ANY)
        with pytest.raises(StaleValueError) as error:
            preference_check_fresh(store=store, key="testing__retries", expected_raw=None)

        assert PreferenceChange.objects.count() == 1
    assert (error.value.current_raw, error.value.changed_by) == ("5", "alice")


# --- revert refuses what was changed again ---------------------------------------------------------
def _change_then_change_again(store):
    """Set 5, then 7 (the change returned), then 9 as someone else: the change of 7 is stale."""
    preferences_set(store=store, values={"testing__retries": 5}, actor="alice")
    preferences_set(store=store, values={"testing__retries": 7}, actor="alice")
    change = PreferenceChange.objects.get(new_raw_value="7")
    preferences_set(store=store, values={"testing__retries": 9}, actor="olivia")
    return change


def test_reverting_a_change_whose_key_changed_again_is_refused(acme):
    with schema_context("acme"):
        store = global_preferences_registry.store()
        change = _change_then_change_again(store)
        history = PreferenceChange.objects.count()

        with pytest.raises(StaleValueError) as error:
            preference_revert(store=store, change=change, actor="alice")

        assert global_preferences_registry.manager()["testing__retries"] == 9
        assert PreferenceChange.objects.count() == history
    assert (error.value.current_raw, error.value.changed_by) == ("9", "olivia")


def test_a_forced_revert_puts_the_old_value_back_even_after_later_changes(acme):
    with schema_context("acme"):
        store = global_preferences_registry.store()
        change = _change_then_change_again(store)

        result = preference_revert(store=store, change=change, actor="alice", force=True)

        assert global_preferences_registry.manager()["testing__retries"] == 5
    assert result == PreferenceChangeResult("testing__retries", 9, 5, created=False, old_raw="9", new_raw="5")


def test_reverting_a_change_already_undone_is_a_no_op(acme):
    with schema_context("acme"):
        store = global_preferences_registry.store()
        preferences_set(store=store, values={"testing__retries": 5}, actor="alice")
        change = PreferenceChange.objects.get(new_raw_value="5")
        preference_reset(store=store, key="testing__retries", actor="olivia")  # back to the old value already

        assert preference_revert(store=store, change=change, actor="alice") is None


# --- a choice equal to a computed default -------------------------------------------------------------
def test_choosing_the_computed_default_stores_it_so_it_stays_when_the_default_moves(acme, badge_model, key_preferences):
    with schema_context("acme"):
        badges = badge_model._default_manager
        silver = badges.create(label="silver")
        assert global_preferences_registry.manager()["testing__first_badge"] == silver
        store = global_preferences_registry.store()

        changes = preferences_set(store=store, values={"testing__first_badge": silver}, actor="olivia", source="api")
        badges.create(label="bronze")  # Now the first by label: the default moves.

        assert [change.key for change in changes] == ["testing__first_badge"]
        assert global_preferences_registry.manager()["testing__first_badge"] == silver
        assert PreferenceChange.objects.filter(name="first_badge", source="api").count() == 1


def test_a_value_equal_to_a_fixed_default_is_still_not_stored(acme):
    with schema_context("acme"):
        store = global_preferences_registry.store()

        changes = preferences_set(store=store, values={"testing__retries": Retries.default})

        assert changes == []
        assert not GlobalPreference.objects.filter(name="retries").exists()
