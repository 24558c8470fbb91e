"""Redis that misbehaves: a stalled fake server, a private redis-server a test can stop, crash or freeze, and a
count of the connections the Redis client opens. Never the shared Redis."""

import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pytest
import redis
from redis.connection import Connection

from portal.celery import app as celery_app


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


class PrivateRedis:
    """A redis-server for one test, on a free port, that can be stopped and started again on the same data."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir()
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2)

    def start(self) -> None:
        """Start the server (again) and wait until it answers."""
        command = [
            "/usr/bin/redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.directory),
            "--logfile", str(self.directory / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"The private redis-server did not start; see {self.directory / 'redis.log'}")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Stop the server with `sig` (SIGKILL for a crash) and wait until it is gone."""
        if self.process is None or self.process.poll() is not None:
            return
        if sig != signal.SIGCONT:
            self.process.send_signal(signal.SIGCONT)  # a frozen server cannot act on SIGTERM
        self.process.send_signal(sig)
        self.process.wait(timeout=10)

    def freeze(self) -> None:
        """Stall the server: its port still accepts connections, but it answers nothing until `thaw`."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """Let a frozen server run again; it then serves what waited in its sockets."""
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def connections_received(self) -> int:
        """Return how many connections the server has accepted since it started (ask it while it runs)."""
        return int(self.client().info("stats")["total_connections_received"])


@contextmanager
def celery_broker(server: PrivateRedis, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateRedis]:
    """Make this process send its tasks to `server`, not to the shared Redis, until the block ends."""
    try:
        # Celery reads these variables before its configuration, so setting conf.broker_url would be ignored.
        monkeypatch.setenv("CELERY_BROKER_URL", server.url(0))
        monkeypatch.setenv("CELERY_RESULT_BACKEND", server.url(1))
        monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
        # The app caches its connection pools and result backend on first use: start without them for this test;
        # monkeypatch puts the shared ones back afterwards.
        monkeypatch.setattr(celery_app, "_pool", None)
        monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
        monkeypatch.setattr(celery_app, "_backend_cache", None)
        monkeypatch.setattr(celery_app, "_local", threading.local())
        assert celery_app.connection_for_write().port == server.port
        assert celery_app.amqp.producer_pool.connections.connection.port == server.port
        assert celery_app.backend.client.connection_pool.connection_kwargs["port"] == server.port
        yield server
    finally:
        celery_app.pool.force_close_all()
        celery_app.amqp.producer_pool.force_close_all()
        server.stop(signal.SIGKILL)


class Overdue(BaseException):
    """Raised inside a block that ran past its `deadline` (not an Exception: no handler may swallow it)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block (a hung socket read included) if it runs for more than `seconds`: a test never hangs."""

    def interrupt(signum: int, frame: object) -> None:
        raise Overdue(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
