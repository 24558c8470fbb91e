"""A PostgreSQL outage answers 503 (styled page, Retry-After) at once, and the site serves again when it is back.

The database is a private cluster the test starts (tests/support/postgres.py) holding a copy of the test
database; the web server is gunicorn with production's persistent, health-checked connections, so the test
sees what a production worker sees: its open connection cut by the outage, then a fresh one afterwards,
without a restart. Each request runs under a deadline only so that a hang fails the test instead of holding it.
"""

import json
from collections.abc import Iterator

import pytest

from tests.support.http import Answer, Browser
from tests.support.postgres import PrivatePostgres
from tests.support.processes import database_url, free_port, start_gunicorn, stop_process
from tests.support.redis import deadline

# A request on a stopped database fails at its first connection attempt (refused); this only bounds a regression.
REQUEST_DEADLINE_SECONDS = 10


def fetch(port: int, path: str, host: str, headers: dict[str, str] | None = None) -> Answer:
    with deadline(REQUEST_DEADLINE_SECONDS):
        return Browser(port, host, timeout=REQUEST_DEADLINE_SECONDS).get(path, headers)


@pytest.fixture
def private_postgres(committed_tenants) -> Iterator[PrivatePostgres]:
    cluster = PrivatePostgres()
    try:
        cluster.create()
        cluster.copy_from(database_url())  # the public schema and the test tenants, migrated
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def web_on_private_postgres(private_postgres: PrivatePostgres) -> Iterator[int]:
    port = free_port()
    server = start_gunicorn(port, env={"DATABASE_URL": private_postgres.url(), "DATABASE_CONN_MAX_AGE": "60"})
    try:
        yield port
    finally:
        stop_process(server)


def test_a_database_outage_answers_503_with_retry_after_and_the_site_serves_again_once_it_is_back(
    private_postgres, web_on_private_postgres
):
    port = web_on_private_postgres
    assert fetch(port, "/accounts/login/", "acme.localhost").status == 200  # the worker holds a connection now

    private_postgres.stop()
    # acme's tenant is in the worker's lookup cache and its login page needs no query: it still serves.
    cached = fetch(port, "/accounts/login/", "acme.localhost")
    # globex's is not: its lookup needs PostgreSQL.
    page = fetch(port, "/accounts/login/", "globex.localhost")
    console = fetch(port, "/console/", "localhost")
    api = fetch(port, "/api/preferences/", "globex.localhost")
    health = fetch(port, "/readyz", "localhost")
    swap = fetch(port, "/preferences/", "globex.localhost", {"HX-Request": "true"})

    assert (page.status, console.status, api.status, health.status, swap.status) == (503, 503, 503, 503, 503)
    assert cached.status == 200
    assert page.headers["Retry-After"] == "30"
    assert "The portal is temporarily unavailable" in page.body
    assert "bootstrap.min.css" in page.body  # the portal's styled page, not Django's plain one
    assert console.headers["Retry-After"] == api.headers["Retry-After"] == "30"
    assert json.loads(api.body) == {"detail": "The database is unavailable; try again later."}
    assert json.loads(health.body)["ok"] is False
    assert json.loads(health.body)["services"]["database"] == {"ok": False}
    assert swap.headers["HX-Refresh"] == "true"  # htmx would not swap a 503 in: the browser reloads instead
    assert "HX-Refresh" not in page.headers

    private_postgres.start()
    again = fetch(port, "/accounts/login/", "acme.localhost")
    health_again = fetch(port, "/readyz", "localhost")

    assert again.status == 200
    assert 'name="username"' in again.body
    assert health_again.status == 200
    assert json.loads(health_again.body)["services"]["database"] == {"ok": True}
