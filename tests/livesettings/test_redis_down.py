"""Redis unreachable or hung: live settings still resolve from PostgreSQL, quickly, and pages keep working."""

import time

import pytest
from django.conf import settings

from apps.livesettings.services import live_setting_set
from apps.preferences.cache import clear_local
from tests.conftest import client_for

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def expiry_set_to_300(acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=300)
    clear_local()  # This process forgets its snapshots: the next read must go to the stores.


@pytest.mark.parametrize("redis", ["unreachable", "stalled"])
def test_settings_resolve_from_postgresql_within_a_short_timeout(expiry_set_to_300, redis, redis_at, stalled_redis):
    redis_at(UNREACHABLE if redis == "unreachable" else stalled_redis)

    started = time.monotonic()
    value = settings.SESSION_EXPIRE_SECONDS
    first_read = time.monotonic() - started
    started = time.monotonic()
    again = settings.SESSION_EXPIRE_SECONDS
    second_read = time.monotonic() - started

    assert (value, again) == (300, 300)
    assert first_read < 1.0  # one bounded attempt (0.5 s socket timeouts), then PostgreSQL
    assert second_read < 0.1  # the circuit is open: no more waiting on Redis
    print(f"\n{redis} Redis: first read {first_read * 1000:.0f} ms, next read {second_read * 1000:.1f} ms")


@pytest.mark.parametrize("redis", ["unreachable", "stalled"])
def test_the_middleware_fails_open_and_applies_the_stored_value(
    expiry_set_to_300, acme_member, acme, clock, redis, redis_at, stalled_redis
):
    client = client_for("acme.localhost", acme_member, acme)
    redis_at(UNREACHABLE if redis == "unreachable" else stalled_redis)

    started = time.monotonic()
    fine = client.get("/")
    elapsed = time.monotonic() - started
    clock.advance(301)
    expired = client.get("/")

    assert fine.status_code == 200
    assert elapsed < 1.5
    assert expired.status_code == 302  # 300 s came from PostgreSQL, not the settings.py default
    print(f"\n{redis} Redis: page in {elapsed * 1000:.0f} ms")
