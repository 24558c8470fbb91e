"""Start and stop the processes some tests need beside this one: a real Celery worker, a second web server."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from portal.celery import app as celery_app

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
LOG_DIR = REPO_ROOT / "test-results"


def database_url() -> str:
    """Return the URL of the test database, for processes the tests start."""
    db = settings.DATABASES["default"]
    auth = f"{db['USER']}:{db['PASSWORD']}" if db.get("PASSWORD") else str(db["USER"])
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return the environment of a child process: this one's services (test database, Redis, broker), then `extra`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(extra or {}),
    }


def wait_until(condition: Callable[[], bool], *, what: str, timeout: float = 30, every: float = 0.1) -> None:
    """Return once `condition()` is true; fail with `what` if it is still false after `timeout` seconds.

    The timeout only bounds a broken run: no test asserts how long the wait took.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"Still waiting after {timeout} s for {what}")


def _spawn(command: list[str], *, log_name: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    LOG_DIR.mkdir(exist_ok=True)
    with (LOG_DIR / log_name).open("ab") as output:
        return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started here (SIGTERM, so a worker shuts down warm; SIGKILL after 15 s)."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_celery_worker(
    *, name: str, includes: tuple[str, ...] = ("tests.celery_probe",), env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a real `celery -A portal worker` on the test database; return it once it answers a ping.

    `includes` are extra task modules for the worker (`-I`); `env` overrides its environment (a private
    broker, backends under test). Its output goes to test-results/celery-worker.log.
    """
    node = f"{name}-{os.getpid()}@{socket.gethostname()}"
    command = [
        sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO",
        "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "-n", node,
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    for module in includes:
        command += ["-I", module]
    worker = _spawn(command, log_name="celery-worker.log", env=child_env(env))

    def answers() -> bool:
        if worker.poll() is not None:
            raise RuntimeError("The Celery worker exited at start-up; see test-results/celery-worker.log")
        # Only this node is asked, so a leftover worker of an earlier run cannot answer for it.
        return bool(celery_app.control.ping(timeout=0.5, destination=[node]))

    try:
        wait_until(answers, what=f"Celery worker {node} to answer a ping", timeout=60, every=0)
    except BaseException:
        stop_process(worker)
        raise
    return worker


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_runserver(port: int, *, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start `manage.py runserver` (a second web process) on `port`; return it once it accepts connections."""
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    return _start_web_server(command, port, name="runserver", env=env)


def start_gunicorn(port: int, *, workers: int = 1, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start gunicorn (production's web server, sync workers) on `port`; return it once it accepts connections.

    `env` overrides the environment of `child_env` (another database, a private Redis, production's
    persistent connections with `DATABASE_CONN_MAX_AGE`).
    """
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--timeout", "30", "--graceful-timeout", "5",
    ]  # fmt: skip
    return _start_web_server(command, port, name="gunicorn", env=env)


def _start_web_server(
    command: list[str], port: int, *, name: str, env: dict[str, str] | None
) -> subprocess.Popen[bytes]:
    server = _spawn(command, log_name=f"{name}.log", env=child_env(env))

    def listening() -> bool:
        if server.poll() is not None:
            raise RuntimeError(f"{name} exited at start-up; see test-results/{name}.log")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    try:
        wait_until(listening, what=f"{name} to listen on {port}", timeout=60, every=0.2)
    except BaseException:
        stop_process(server)
        raise
    return server
