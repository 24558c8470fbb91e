import json
import os
import subprocess
import sys

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.preferences import cache
from apps.preferences.cache import snapshots_pinned
from apps.preferences.registries import global_preferences_registry
from apps.preferences.tracking import TokenTracker, connection_factory_for
from tests.conftest import REPO_ROOT, client_for, database_url


@pytest.fixture
def redis_commands(monkeypatch):
    """Count the commands this process sends to Redis."""
    sent = []
    original = redis.Redis.execute_command

    def counting(self, *args, **options):
        sent.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return sent


def preference_queries(captured):
    return [q["sql"] for q in captured if "preferences_" in q["sql"]]


@pytest.mark.parametrize(("tracking", "round_trips"), [(True, []), (False, ["MGET"])])
def test_warm_reads_make_no_sql_query_and_no_redis_round_trip_with_client_tracking(
    tracking, round_trips, acme, redis_commands, settings, django_capture_on_commit_callbacks
):
    settings.PREFERENCES_CLIENT_TRACKING = tracking
    with schema_context("acme"), django_capture_on_commit_callbacks(execute=True):
        global_preferences_registry.manager()["general__max_upload_mb"] = 42
    with schema_context("acme"):
        for _ in range(2):  # warm up the snapshot; the first request also opens the tracking connection
            with snapshots_pinned():
                global_preferences_registry.manager()["general__title"]
        redis_commands.clear()

        with CaptureQueriesContext(connection) as queries, snapshots_pinned():
            manager = global_preferences_registry.manager()
            values = [manager["general__max_upload_mb"] for _ in range(100)] + [manager.all()]

    assert values[0] == 42
    assert len(queries) == 0
    assert redis_commands == round_trips


def test_a_page_request_costs_no_redis_round_trip_and_no_preference_query_when_warm(
    acme, redis_commands, django_capture_on_commit_callbacks
):
    client = client_for("acme.localhost")
    with schema_context("acme"), django_capture_on_commit_callbacks(execute=True):
        global_preferences_registry.manager()["general__title"] = "Acme Portal"
    client.get("/accounts/login/")  # warms the snapshots and opens the tracking connection
    client.get("/accounts/login/")  # holds the tokens
    redis_commands.clear()

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/login/")

    assert "Acme Portal" in response.content.decode()  # the navbar reads general__title
    # The preference tokens and the tenant lookup's are held and Redis pushed no change: no round trip.
    assert redis_commands == []
    assert preference_queries(queries.captured_queries) == []


def _other_writer():
    """A Redis client of its own, as another process would have."""
    return redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"))


def _title_read() -> str:
    with snapshots_pinned():
        return global_preferences_registry.manager()["general__title"]


def test_a_token_another_process_replaces_is_seen_at_the_next_request_without_waiting(acme, redis_commands):
    with schema_context("acme"):
        _title_read()  # fetches the tokens, then opens the tracking connection
        _title_read()  # fetches them again and holds them (nothing from before the subscription is kept)
        redis_commands.clear()
        _title_read()
        assert redis_commands == []  # served from the held tokens
        other = _other_writer()
        other.set(cache.VERSION_KEY_PREFIX + cache.global_key("acme"), "moved-elsewhere")
        redis_commands.clear()
        with CaptureQueriesContext(connection) as queries:
            _title_read()
    assert redis_commands == ["MGET"]  # the pushed invalidation dropped the token: fetched again …
    # … and the scope reloaded: the tenant's values and its organisation's defaults for user preferences, in one query
    assert len(preference_queries(queries.captured_queries)) == 1


def test_a_lost_tracking_connection_falls_back_to_one_mget_per_request(acme, redis_commands, settings):
    settings.PREFERENCES_REDIS_RETRY_SECONDS = 60
    with schema_context("acme"):
        _title_read()
        assert cache._tracker is not None and cache._tracker.active
        _other_writer().execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        redis_commands.clear()
        _title_read()
        _title_read()
        assert redis_commands == ["MGET", "MGET"]  # no tokens are trusted without the pushes
        assert not cache._tracker.active
        _other_writer().set(cache.VERSION_KEY_PREFIX + cache.global_key("acme"), "changed-during-the-loss")
        with CaptureQueriesContext(connection) as queries:
            _title_read()
    assert len(preference_queries(queries.captured_queries)) == 1  # the tenant's values and defaults, reloaded


def test_a_held_token_invalidated_while_another_is_fetched_serves_the_request_and_is_fetched_next_time():
    client = _other_writer()
    prefix = "portal:test:tracking-race:"
    held_key, missing_key = prefix + "held", prefix + "missing"
    client.set(held_key, "old")
    client.set(missing_key, "fetched")
    tracker = TokenTracker([prefix], connection_factory_for(client))

    def fetch_while_another_process_writes(keys: list[str]) -> list[object]:
        values = client.mget(keys)
        client.set(held_key, "new")  # another process's bump, pushed while this one fetches
        assert tracker._connection.can_read(timeout=1.0)
        return values

    try:
        assert tracker.tokens([held_key], client.mget) == {held_key: b"old"}
        tokens = tracker.tokens([held_key, missing_key], fetch_while_another_process_writes)
        assert tokens == {held_key: b"old", missing_key: b"fetched"}  # not a KeyError read as a Redis failure
        assert tracker.active
        assert tracker.tokens([held_key], client.mget) == {held_key: b"new"}
    finally:
        tracker.close()
        client.delete(held_key, missing_key)


def test_a_flushed_redis_drops_every_token_held(acme, redis_commands):
    with schema_context("acme"):
        _title_read()
        _other_writer().flushdb()
        redis_commands.clear()
        _title_read()
    assert redis_commands == ["MGET"]


def test_a_server_that_cannot_track_is_read_with_mget(acme, redis_commands, monkeypatch):
    def refusing() -> None:
        raise redis.ResponseError("ERR unknown command 'CLIENT TRACKING'")

    with schema_context("acme"):
        _title_read()
        monkeypatch.setattr(cache._tracker, "_subscribe", refusing)
        cache._tracker.close()
        redis_commands.clear()
        _title_read()
        _title_read()
    assert redis_commands == ["MGET", "MGET"]


def test_a_changed_value_reloads_only_that_scope(acme, redis_commands, django_capture_on_commit_callbacks):
    with schema_context("acme"):
        with snapshots_pinned():
            global_preferences_registry.manager()["general__title"]
        with django_capture_on_commit_callbacks(execute=True):
            global_preferences_registry.manager()["general__title"] = "New"

        with CaptureQueriesContext(connection) as queries, snapshots_pinned():
            title = global_preferences_registry.manager()["general__title"]

    assert title == "New"
    reloaded = preference_queries(queries.captured_queries)
    # The tenant's snapshot, in one query: its values and its defaults of user preferences (the site's is not
    # read again), with no switch of the connection's schema.
    assert len(reloaded) == 1 and '"acme"."preferences_globalpreference"' in reloaded[0]
    assert '"acme"."preferences_userpreferencedefault"' in reloaded[0]
    assert not [q for q in queries.captured_queries if q["sql"].startswith("SET search_path")]


CHILD = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from apps.preferences.cache import snapshots_pinned
from apps.preferences.registries import global_preferences_registry
for line in sys.stdin:
    with schema_context("acme"), CaptureQueriesContext(connection) as queries, snapshots_pinned():
        value = global_preferences_registry.manager()["general__max_upload_mb"]
    print(json.dumps({"value": value, "queries": len(queries)}), flush=True)
"""


@pytest.mark.django_db(transaction=True)
def test_another_process_sees_a_change_on_its_next_request(committed_tenants):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": database_url()}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], cwd=REPO_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )

    def request() -> dict:
        child.stdin.write("go\n")
        child.stdin.flush()
        return json.loads(child.stdout.readline())

    try:
        first, unchanged = request(), request()
        with schema_context("acme"):
            global_preferences_registry.manager()["general__max_upload_mb"] = 77  # commits, then bumps the version
        changed = request()
    finally:
        child.stdin.close()
        child.wait(timeout=10)

    assert first["value"] == 10 and first["queries"] > 0
    assert unchanged == {"value": 10, "queries": 0}  # the version did not move: no query at all
    assert changed["value"] == 77


def dead_redis(settings):
    # Nothing listens on port 1; Django rebuilds its cache handlers when CACHES changes.
    settings.CACHES = {
        alias: {**cache, "LOCATION": "redis://127.0.0.1:1/0"} for alias, cache in settings.CACHES.items()
    }


def test_without_redis_reads_and_writes_work_from_postgresql(
    acme, settings, caplog, django_capture_on_commit_callbacks
):
    dead_redis(settings)
    with schema_context("acme"), django_capture_on_commit_callbacks(execute=True):
        global_preferences_registry.manager()["general__max_upload_mb"] = 33
    with schema_context("acme"), CaptureQueriesContext(connection) as queries, snapshots_pinned():
        manager = global_preferences_registry.manager()
        values = [manager["general__max_upload_mb"] for _ in range(20)]

    assert values == [33] * 20
    # One query per scope (the site; this tenant with its defaults of user preferences) for the whole request,
    # however many reads.
    assert len(preference_queries(queries.captured_queries)) == 2
    assert "Preferences cache: unavailable" in caplog.text


def test_without_redis_pages_still_render(acme, settings):
    dead_redis(settings)
    with schema_context("acme"):
        global_preferences_registry.manager()["general__title"] = "Still Acme"

    response = client_for("acme.localhost").get("/accounts/login/")

    assert response.status_code == 200
    assert "Still Acme" in response.content.decode()


def test_a_stalled_redis_is_waited_for_once_then_skipped_for_a_while(acme, stalled_redis, redis_at):
    redis_at(stalled_redis.url)
    with schema_context("acme"):
        global_preferences_registry.manager()["general__max_upload_mb"] = 21
        cache.clear_local()
        results = []
        for _ in range(5):
            with snapshots_pinned():
                results.append(global_preferences_registry.manager()["general__max_upload_mb"])

    assert results == [21] * 5
    # The first request timed out on Redis and opened the circuit; the next four did not try again.
    assert stalled_redis.connections == 1


def test_a_write_during_a_redis_outage_reaches_other_processes_once_redis_is_back(
    acme, settings, django_capture_on_commit_callbacks
):
    live_caches = settings.CACHES
    key = cache.VERSION_KEY_PREFIX + "global:acme"
    with schema_context("acme"), snapshots_pinned():
        global_preferences_registry.manager()["general__max_upload_mb"]
    token_before = cache._redis().get(key)

    settings.PREFERENCES_REDIS_RETRY_SECONDS = 0  # let the next request try Redis again at once
    dead_redis(settings)
    with schema_context("acme"), django_capture_on_commit_callbacks(execute=True):
        global_preferences_registry.manager()["general__max_upload_mb"] = 44  # the version bump fails
    settings.CACHES = live_caches  # Redis is back

    with schema_context("acme"), snapshots_pinned():
        value = global_preferences_registry.manager()["general__max_upload_mb"]

    assert value == 44
    # A new token, so every other process (which kept its pre-outage snapshot) reloads on its next request.
    assert cache._redis().get(key) != token_before
