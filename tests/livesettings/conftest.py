"""Fixtures of the live settings tests (the clock, other processes and a stalled Redis are in tests/conftest.py)."""

import pytest

from tests.support.redis import ConnectAttempt, count_redis_connects


@pytest.fixture
def redis_connects(monkeypatch: pytest.MonkeyPatch) -> list[ConnectAttempt]:
    """Return the list of socket connections the Redis client tries to open during the test."""
    return count_redis_connects(monkeypatch)
