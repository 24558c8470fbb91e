"""Fixtures of the live settings tests (the clock, other processes and a stalled Redis are in tests/conftest.py)."""

from collections.abc import Iterator

import pytest

from apps.livesettings.custom import custom_settings_forget
from tests.support.redis import ConnectAttempt, count_redis_connects


@pytest.fixture
def redis_connects(monkeypatch: pytest.MonkeyPatch) -> list[ConnectAttempt]:
    """Return the list of socket connections the Redis client tries to open during the test."""
    return count_redis_connects(monkeypatch)


@pytest.fixture(autouse=True)
def _forget_custom_settings() -> Iterator[None]:
    """Unregister the custom settings a test created (the registry outlives the test's database)."""
    yield
    custom_settings_forget()
