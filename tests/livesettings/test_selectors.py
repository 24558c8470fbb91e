"""Redis unreachable or hung: live settings still resolve from PostgreSQL after one bounded try, and pages work."""

import pytest
from django.conf import settings

from apps.livesettings.services import live_setting_set
from apps.preferences.cache import clear_local
from tests.support.people import client_for

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def expiry_set_to_300(acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=300)
    clear_local()  # This process forgets its snapshots: the next read must go to the stores.


@pytest.fixture
def broken_redis(request, redis_at, stalled_redis, settings):
    """Point the cache at an unreachable or a stalled Redis; keep the circuit open for the whole test."""
    settings.PREFERENCES_REDIS_RETRY_SECONDS = 3600  # a slow machine must not see the circuit close mid-test
    redis_at(UNREACHABLE if request.param == "unreachable" else stalled_redis.url)
    return request.param


def bounded(attempt) -> bool:
    """Return whether a connection attempt had the short timeouts that keep a stalled Redis from hanging a request."""
    limit = settings.REDIS_SOCKET_TIMEOUT
    timeouts = (attempt.connect_timeout, attempt.read_timeout)
    return all(timeout is not None and 0 < timeout <= limit for timeout in timeouts)


@pytest.mark.parametrize("broken_redis", ["unreachable", "stalled"], indirect=True)
def test_settings_resolve_from_postgresql_after_one_bounded_attempt(
    expiry_set_to_300, broken_redis, redis_connects, stalled_redis
):
    value = settings.SESSION_EXPIRE_SECONDS
    attempts_after_first_read = len(redis_connects)
    again = settings.SESSION_EXPIRE_SECONDS

    assert (value, again) == (300, 300)
    assert attempts_after_first_read == 1  # one try, then PostgreSQL
    assert len(redis_connects) == 1  # the circuit is open: the second read did not try Redis again
    assert all(bounded(attempt) for attempt in redis_connects)
    assert stalled_redis.connections == (1 if broken_redis == "stalled" else 0)


@pytest.mark.parametrize("broken_redis", ["unreachable", "stalled"], indirect=True)
def test_the_middleware_fails_open_and_applies_the_stored_value(
    expiry_set_to_300, acme_member, acme, clock, broken_redis, redis_connects
):
    client = client_for("acme.localhost", acme_member, acme)
    # Logging in reads live settings too (the sign-in lockout window): start the first request with a closed circuit.
    clear_local()
    redis_connects.clear()  # count from the first request on

    fine = client.get("/")
    tried_by_the_first = len(redis_connects)
    clock.advance(301)
    expired = client.get("/")

    assert fine.status_code == 200
    assert expired.status_code == 302  # 300 s came from PostgreSQL, not the settings.py default
    # The first request tried Redis once for each reader of its own (the tenant lookup's token, the preference
    # tokens); each then opened its circuit, so the second request did not try again.
    assert tried_by_the_first <= 2
    assert len(redis_connects) == tried_by_the_first
    assert all(bounded(attempt) for attempt in redis_connects)
