"""A clock for session expiry that tests move by hand instead of waiting."""

import time


class Clock:
    """The time the session expiry rules see: starts at the real time, then moves only when told."""

    def __init__(self) -> None:
        self.now = time.time()

    def advance(self, seconds: float) -> None:
        """Move the clock `seconds` forward."""
        self.now += seconds

    def __call__(self) -> float:
        return self.now
