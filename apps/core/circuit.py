"""A circuit breaker for a service the code can do without for a while (Redis as a cache).

After a failure the circuit is open for a few seconds: callers skip the service and take their fallback
(PostgreSQL) without paying its timeout again on every request. Then one call tries the service again; if it
answers, the circuit stays closed. State is per process, which is what a timeout costs.
"""

import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)


class CircuitBreaker:
    """Open for `retry_setting` seconds (read late from settings, else `default_retry`) after each failure."""

    def __init__(self, name: str, *, retry_setting: str, default_retry: float = 5.0) -> None:
        self.name = name
        self.retry_setting = retry_setting
        self.default_retry = default_retry
        self._open_until = 0.0

    def is_closed(self) -> bool:
        """Return whether the service may be tried now."""
        return time.monotonic() >= self._open_until

    def trip(self, exc: BaseException) -> None:
        """Open the circuit after `exc`, so the next calls take their fallback at once."""
        retry = float(getattr(settings, self.retry_setting, self.default_retry))
        self._open_until = time.monotonic() + retry
        logger.warning("%s: unavailable (%s); falling back for %.1f s.", self.name, exc, retry)

    def reset(self) -> None:
        """Close the circuit (tests, or a caller that knows the service is back)."""
        self._open_until = 0.0
