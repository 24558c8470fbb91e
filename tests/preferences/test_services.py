import threading

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from apps.preferences.models import GlobalPreference, PreferenceChange
from apps.preferences.registries import global_preferences_registry
from apps.preferences.services import StaleValueError, preference_reset, preference_revert, preferences_set
from apps.preferences.signals import preference_updated
from tests.conftest import make_user
from tests.preferences.conftest import Retries

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
    barrier = threading.Barrier(4)
    errors = []

    def write(value):
        try:
            connection.set_schema("acme")
            barrier.wait()
            global_preferences_registry.manager()["testing__retries"] = value
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(value,)) for value in (4, 5, 6, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with schema_context("acme"):
        rows = list(GlobalPreference.objects.filter(section="testing", name="retries"))
        assert len(rows) == 1
        assert rows[0].raw_value in {"4", "5", "6", "7"}
        assert PreferenceChange.objects.filter(name="retries").count() >= 1


@pytest.mark.django_db(transaction=True)
def test_two_first_writers_of_a_key_cannot_both_pass_the_stale_check(committed_tenants):
    barrier = threading.Barrier(2)
    outcomes = []

    def write(value):
        try:
            connection.set_schema("acme")
            barrier.wait()
            # Both opened the page while the key was at its default (nothing stored: expected_raw None).
            global_preferences_registry.manager().update(
                {"testing__retries": value}, expected_raw={"testing__retries": None}
            )
            outcomes.append("saved")
        except StaleValueError:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(value,)) for value in (4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["saved", "stale"]
    with schema_context("acme"):
        history = list(PreferenceChange.objects.filter(name="retries").values_list("old_raw_value", flat=True))
    assert history == [None]  # one change, from the default
