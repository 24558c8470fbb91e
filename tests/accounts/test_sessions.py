"""The portal's session engine against a real Redis: warm reads cost no SQL, and a stalled or stopped Redis
never answers 500 nor brings back a session that ended while it was away."""

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.accounts import sessions
from apps.accounts.services import user_sessions_end
from tests.support.people import client_for
from tests.support.redis import PrivateRedis, count_redis_connects, deadline

# Generous: a stalled Redis costs each cache's short timeout once (sessions 0.2 s, preferences 0.5 s, tenant
# lookup 0.1 s) before their circuits open; this only stops a hung test.
REQUEST_DEADLINE_SECONDS = 5.0


@pytest.fixture
def session_redis(tmp_path: Path, redis_at, settings) -> Iterator[PrivateRedis]:
    """A private redis-server that every cache of this process uses; the circuit retries at once."""
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    redis_at(server.url(0))
    settings.SESSION_CACHE_RETRY_SECONDS = 0
    try:
        yield server
    finally:
        server.stop(signal.SIGKILL)


def _cookie(client) -> str:
    return client.cookies["sessionid"].value


def _cached_keys(server: PrivateRedis) -> list[bytes]:
    return server.client().keys(f"*{sessions.KEY_PREFIX}*")


def test_a_warm_session_read_sends_no_sql(acme, acme_member, session_redis):
    client = client_for("acme.localhost", acme_member, acme)
    assert client.get("/").status_code == 200  # the first read fills the cached copy

    with schema_context("acme"), CaptureQueriesContext(connection) as queries:
        data = sessions.SessionStore(_cookie(client)).load()

    assert data["_auth_user_id"] == str(acme_member.pk)
    assert queries.captured_queries == []
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if 'FROM "django_session"' in q["sql"]]


def test_a_session_key_is_cached_per_schema(acme, globex, acme_member, session_redis):
    client = client_for("acme.localhost", acme_member, acme)
    assert client.get("/").status_code == 200

    with schema_context(globex.schema_name):
        assert sessions.SessionStore(_cookie(client)).load() == {}


def test_with_redis_stalled_a_signed_in_page_answers_from_postgresql(
    acme, acme_member, session_redis, settings, monkeypatch
):
    client = client_for("acme.localhost", acme_member, acme)
    assert client.get("/").status_code == 200
    settings.SESSION_CACHE_RETRY_SECONDS = 60
    session_redis.freeze()

    with deadline(REQUEST_DEADLINE_SECONDS):
        first = client.get("/")
    assert first.status_code == 200 and not sessions.circuit.is_closed()
    # While the circuit is open no session read tries Redis again (and waits for its timeout).
    attempts = count_redis_connects(monkeypatch)
    with deadline(REQUEST_DEADLINE_SECONDS), schema_context("acme"):
        assert sessions.SessionStore(_cookie(client)).load()["_auth_user_id"] == str(acme_member.pk)
    assert [a for a in attempts if a.port == session_redis.port] == []


@pytest.mark.parametrize("outage", ["stalled", "stopped"])
def test_a_logout_during_an_outage_stays_a_logout_once_redis_is_back(acme, acme_member, session_redis, outage):
    client = client_for("acme.localhost", acme_member, acme)
    assert client.get("/").status_code == 200
    old_cookie = _cookie(client)
    assert _cached_keys(session_redis)  # the copy a failed delete would leave behind
    session_redis.freeze() if outage == "stalled" else session_redis.stop()

    with deadline(REQUEST_DEADLINE_SECONDS):
        assert client.post("/accounts/logout/").status_code in (200, 302)
    session_redis.thaw() if outage == "stalled" else session_redis.start()  # (AOF: a restart keeps the copy)

    returning = client_for("acme.localhost")
    returning.cookies["sessionid"] = old_cookie
    assert returning.get("/").status_code == 302  # to the login page
    with schema_context("acme"):
        assert sessions.SessionStore(old_cookie).load() == {}


def test_sessions_ended_while_redis_is_down_are_refused_once_it_is_back(acme, acme_member, session_redis):
    client = client_for("acme.localhost", acme_member, acme)
    assert client.get("/").status_code == 200
    session_redis.stop()

    with schema_context("acme"):
        assert user_sessions_end(acme_member) == 1
    session_redis.start()

    assert _cached_keys(session_redis)  # the copy is still in Redis; its generation is no longer current
    assert client.get("/").status_code == 302


def test_a_session_written_while_redis_is_down_is_read_after_not_its_older_copy(acme, acme_member, session_redis):
    client = client_for("acme.localhost", acme_member, acme)
    assert client.get("/").status_code == 200
    session_redis.stop()

    with schema_context("acme"):
        store = sessions.SessionStore(_cookie(client))
        store["note"] = "written while Redis was down"
        store.save()
    session_redis.start()

    with schema_context("acme"):
        assert sessions.SessionStore(_cookie(client)).load()["note"] == "written while Redis was down"
    assert client.get("/").status_code == 200


def test_a_session_created_while_redis_is_down_is_readable_and_cached_after(acme, acme_member, session_redis):
    session_redis.stop()
    client = client_for("acme.localhost", acme_member, acme)
    with deadline(REQUEST_DEADLINE_SECONDS):
        assert client.get("/").status_code == 200
    session_redis.start()

    assert client.get("/").status_code == 200
    with schema_context("acme"), CaptureQueriesContext(connection) as queries:
        assert sessions.SessionStore(_cookie(client)).load()["_auth_user_id"] == str(acme_member.pk)
    assert queries.captured_queries == []


def test_a_cached_copy_outside_its_generation_is_not_used(acme, acme_member, session_redis):
    client = client_for("acme.localhost", acme_member, acme)
    assert client.get("/").status_code == 200

    # What a process that failed a cache delete does when it reaches Redis again.
    caches["sessions"].set(sessions.GENERATION_KEY, "a new generation", timeout=None)

    with schema_context("acme"), CaptureQueriesContext(connection) as queries:
        assert sessions.SessionStore(_cookie(client)).load()["_auth_user_id"] == str(acme_member.pk)
    assert [q for q in queries.captured_queries if 'FROM "django_session"' in q["sql"]]
