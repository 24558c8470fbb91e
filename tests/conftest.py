"""Fixtures shared by every test: tenants, people, clients on each domain, other processes, Redis, the clock."""

import datetime
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client

from apps.accounts.sessions import sessions_forget_local
from apps.livesettings import sessions
from apps.notifications import timing as notification_timing
from apps.preferences.cache import clear_local
from apps.tenants.lookup import tenant_lookup_reset
from apps.tenants.models import Tenant
from portal.celery import app as celery_app
from tests.support.clock import Clock
from tests.support.people import PASSWORD, client_for, make_user
from tests.support.processes import (
    REPO_ROOT,
    database_url,
    free_port,
    start_celery_worker,
    start_runserver,
    stop_process,
)
from tests.support.redis import StalledRedis
from tests.support.smtp import SmtpSink
from tests.support.tenants import empty_tenant_schemas, ensure_test_tenants

# Tests that predate tests/support import these helpers from here; new code imports them from tests.support.
__all__ = [
    "PASSWORD",
    "REPO_ROOT",
    "client_for",
    "database_url",
    "make_user",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Create the test tenants' schemas once per session; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        ensure_test_tenants()


@pytest.fixture(autouse=True)
def _back_to_public_schema() -> Iterator[None]:
    """Leave the connection on the public schema after each test (requests switch it to their tenant)."""
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _fresh_preference_snapshots() -> Iterator[None]:
    """Start each test without this process's preference snapshots (the previous test rolled its rows back)."""
    clear_local()
    yield
    clear_local()


@pytest.fixture(autouse=True)
def _fresh_session_cache_state() -> Iterator[None]:
    """Start each test with the sessions' circuit closed (a previous test may have stalled Redis)."""
    sessions_forget_local()
    yield
    sessions_forget_local()


@pytest.fixture(autouse=True)
def _fresh_tenant_lookup() -> Iterator[None]:
    """Start each test without this process's cached tenants (the previous test's tenant writes rolled back)
    and with the lookup's Redis circuit closed (an outage a test made ends with it)."""
    tenant_lookup_reset()
    yield
    tenant_lookup_reset()


@pytest.fixture
def tenants(db: None) -> dict[str, Tenant]:
    return ensure_test_tenants()


@pytest.fixture
def acme(tenants: dict[str, Tenant]) -> Tenant:
    return tenants["acme"]


@pytest.fixture
def globex(tenants: dict[str, Tenant]) -> Tenant:
    return tenants["globex"]


@pytest.fixture
def committed_tenants(transactional_db: None) -> Iterator[dict[str, Tenant]]:
    """Tenants for tests whose data must be committed (a live server, a worker process); cleaned afterwards."""
    yield ensure_test_tenants()
    empty_tenant_schemas()


@pytest.fixture
def make_person() -> Any:
    return make_user


@pytest.fixture
def acme_member(acme: Tenant) -> AbstractBaseUser:
    return make_user(acme, "alice", groups=("Sales",))


@pytest.fixture
def acme_owner(acme: Tenant) -> AbstractBaseUser:
    return make_user(acme, "olivia", owner=True)


@pytest.fixture
def globex_owner(globex: Tenant) -> AbstractBaseUser:
    return make_user(globex, "oscar", owner=True)


@pytest.fixture
def globex_member(globex: Tenant) -> AbstractBaseUser:
    return make_user(globex, "gina")


@pytest.fixture
def client_of() -> Any:
    """Return a function giving a client logged in as `user` on their tenant's domain."""

    def build(user: AbstractBaseUser, tenant: Tenant) -> Client:
        return client_for(f"{tenant.schema_name}.localhost", user, tenant)

    return build


@pytest.fixture
def lov_defaults(db: None) -> None:
    """Put every list's defaults in the shared tables; a transactional test may have flushed them."""
    from apps.lov.services import lov_defaults_sync_all

    lov_defaults_sync_all()


@pytest.fixture
def superadmin(db: None) -> AbstractBaseUser:
    return make_user(None, "root-admin", superuser=True)


@pytest.fixture
def celery_workers(committed_tenants: dict[str, Tenant]) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Return a function starting a real Celery worker process; every worker it started is stopped afterwards.

    Call it as `celery_workers(env={...}, includes=(...))`: `env` overrides the worker's environment (a private
    broker, backends under test), `includes` are its extra task modules (tests/celery_probe.py by default).
    """
    workers: list[subprocess.Popen[bytes]] = []

    def start(
        *, env: dict[str, str] | None = None, includes: tuple[str, ...] = ("tests.celery_probe",)
    ) -> subprocess.Popen[bytes]:
        worker = start_celery_worker(name=f"test-{len(workers)}", includes=includes, env=env)
        workers.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            stop_process(worker)


@pytest.fixture
def celery_worker(celery_workers: Callable[..., subprocess.Popen[bytes]]) -> Iterator[subprocess.Popen[bytes]]:
    """Run one real Celery worker process on the test broker and database, tasks sent to it rather than run eagerly."""
    celery_app.control.purge()
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield celery_workers()
    finally:
        celery_app.conf.task_always_eager = previous_eager


@pytest.fixture
def second_process(committed_tenants: dict[str, Tenant]) -> Iterator[int]:
    """Run `manage.py runserver` in its own process on a free port; yield the port."""
    port = free_port()
    server = start_runserver(port)
    try:
        yield port
    finally:
        stop_process(server)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Freeze the time the session expiry rules and the notifications' quiet hours and digests see (this process)."""
    moving = Clock()
    monkeypatch.setattr(sessions, "now", moving)
    monkeypatch.setattr(notification_timing, "now", lambda: datetime.datetime.fromtimestamp(moving(), datetime.UTC))
    return moving


@pytest.fixture
def stalled_redis() -> Iterator[StalledRedis]:
    """A server that accepts connections and never answers (a hung Redis); point the cache at it with redis_at."""
    with StalledRedis() as server:
        yield server


@pytest.fixture
def redis_at(settings: Any) -> Callable[[str], None]:
    """Point the caches (the preference version checks, the sessions' copies) at another Redis URL for one test."""

    def point(url: str) -> None:
        settings.CACHES = {alias: {**options, "LOCATION": url} for alias, options in settings.CACHES.items()}

    return point


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpSink]:
    """A real SMTP server on a free port, with Django's mail settings pointed at it for this test.

    Processes a test starts (Celery workers, runserver) get the same address through EMAIL_HOST/EMAIL_PORT in
    their environment when the test passes them in its environment (see how EMAIL_* settings are read).
    """
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = sink.host
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield sink
