"""Redis that misbehaves, and a count of the connections the Redis client opens."""

import socket
import threading
from dataclasses import dataclass
from types import TracebackType

import pytest
from redis.connection import Connection


class StalledRedis:
    """A TCP server that accepts connections and never answers (a hung Redis); it counts what it accepted."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(50)
        self._listener.settimeout(0.1)
        self.port = int(self._listener.getsockname()[1])
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def connections(self) -> int:
        """Return how many connections it has accepted so far."""
        return len(self._held)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                accepted, _ = self._listener.accept()
            except OSError:
                continue
            self._held.append(accepted)  # Keep it open and silent.

    def __enter__(self) -> "StalledRedis":
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for held in self._held:
            held.close()
        self._listener.close()


@dataclass(frozen=True)
class ConnectAttempt:
    """One socket connection the Redis client tried to open, with the timeouts it was given."""

    port: int
    connect_timeout: float | None
    read_timeout: float | None


def count_redis_connects(monkeypatch: pytest.MonkeyPatch) -> list[ConnectAttempt]:
    """Record every socket connection redis-py tries to open from now on; the connection still happens."""
    attempts: list[ConnectAttempt] = []
    real_connect = Connection._connect

    def connect(self: Connection) -> socket.socket:
        attempts.append(ConnectAttempt(self.port, self.socket_connect_timeout, self.socket_timeout))
        return real_connect(self)

    monkeypatch.setattr(Connection, "_connect", connect)
    return attempts
