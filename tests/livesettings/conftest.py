"""Fixtures of the live settings tests: a movable clock, a second web process, a Celery worker, a stalled Redis."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings

from apps.livesettings import sessions
from portal.celery import app as celery_app
from tests.conftest import REPO_ROOT, database_url, start_celery_worker, stop_celery_worker


class Clock:
    """The time the session expiry middleware sees; starts at the real time, moves only when told."""

    def __init__(self) -> None:
        self.now = time.time()

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moving = Clock()
    monkeypatch.setattr(sessions, "now", moving)
    return moving


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _process_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        **extra,
    }


@pytest.fixture
def second_process(committed_tenants: dict[str, Any]) -> Iterator[int]:
    """Run `manage.py runserver` in its own process on a free port; yield the port."""
    port = free_port()
    log_dir = (REPO_ROOT / "test-results").resolve()
    log_dir.mkdir(exist_ok=True)
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    with (log_dir / "livesettings-runserver.log").open("ab") as output:
        server = subprocess.Popen(command, cwd=REPO_ROOT, env=_process_env(), stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(server, port)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_for_port(server: subprocess.Popen[bytes], port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("runserver exited at start-up; see test-results/livesettings-runserver.log")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"runserver did not listen on {port} within {timeout} s")


@pytest.fixture
def live_worker(committed_tenants: dict[str, Any]) -> Iterator[subprocess.Popen[bytes]]:
    """Run a real Celery worker that also knows this folder's probe task."""
    celery_app.control.purge()
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = None
    try:
        worker = start_celery_worker(name="livesettings", includes=("tests.livesettings.celery_probe",))
        yield worker
    finally:
        celery_app.conf.task_always_eager = previous_eager
        if worker is not None:
            stop_celery_worker(worker)


@pytest.fixture
def stalled_redis() -> Iterator[str]:
    """A TCP server that accepts connections and never answers (a hung Redis); yield its redis:// URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    port = listener.getsockname()[1]
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            held.append(connection)  # Keep it open and silent.

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in held:
            connection.close()
        listener.close()


@pytest.fixture
def redis_at(settings: Any) -> Callable[[str], None]:
    """Point the cache (and so the preference version checks) at another Redis URL for one test."""

    def point(url: str) -> None:
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}

    return point
