"""The development server closes its PostgreSQL connection after each request (one thread per request).

runserver starts a thread per request; a persistent connection (CONN_MAX_AGE > 0) stays open, idle, after its
thread ends, until the server counts up to the PostgreSQL limit. In development the settings therefore close
connections at the end of each request unless DATABASE_CONN_MAX_AGE says otherwise (production's gunicorn
workers keep theirs, checked before reuse).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests.conftest import REPO_ROOT, database_url

APPLICATION_NAME = "portal-devserver-test"
PARALLEL_REQUESTS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def idle_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND state = 'idle'", [APPLICATION_NAME]
        )
        return int(cursor.fetchone()[0])


def get(port: int, path: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


@pytest.fixture
def devserver(committed_tenants) -> Iterator[int]:
    """Run `manage.py runserver` (threaded, development settings) on the test database; return its port."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_CONN_MAX_AGE"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DJANGO_ENV": "development",
        "DATABASE_URL": f"{database_url()}?application_name={APPLICATION_NAME}",
    }
    command = [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(port, "/accounts/login/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("runserver did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_parallel_requests_leave_no_idle_connection_behind(devserver):
    with ThreadPoolExecutor(PARALLEL_REQUESTS) as pool:
        statuses = list(pool.map(lambda _: get(devserver, "/accounts/login/"), range(PARALLEL_REQUESTS)))

    # Each connection closes when its response has been sent, just after the client read it: wait a moment.
    deadline = time.monotonic() + 10
    while idle_connections() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert statuses == [200] * PARALLEL_REQUESTS
    assert idle_connections() == 0
