"""Fixtures shared by every test: the test tenants, clients on each domain, people, a real Celery worker."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.services import group_ensure, member_create
from apps.preferences.cache import clear_local
from apps.tenants.models import Tenant
from portal.celery import app as celery_app
from tests.tenant_setup import empty_tenant_schemas, ensure_test_tenants

PASSWORD = "test-pass-123"
REPO_ROOT = Path(__file__).resolve().parent.parent


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


def make_user(
    tenant: Tenant | None, username: str, *, owner: bool = False, superuser: bool = False, groups: tuple[str, ...] = ()
) -> AbstractBaseUser:
    """Create a user in `tenant`'s schema (a superadmin in the public schema when tenant is None)."""
    if tenant is None:
        from django.contrib.auth import get_user_model

        with schema_context(settings.PUBLIC_SCHEMA_NAME):
            if superuser:
                return get_user_model().objects.create_superuser(username, f"{username}@example.com", PASSWORD)
            return get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD)
    with schema_context(tenant.schema_name):
        group_objects: list[Group] = [group_ensure(name) for name in groups]
        return member_create(
            username=username, email=f"{username}@example.com", password=PASSWORD, is_owner=owner, groups=group_objects
        )


@pytest.fixture
def make_person() -> Any:
    return make_user


def client_for(host: str, user: AbstractBaseUser | None = None, tenant: Tenant | None = None) -> Client:
    """Return a test client on `host`, logged in as `user` (whose schema is `tenant`'s) if given."""
    client = Client(HTTP_HOST=host)
    if user is not None:
        schema = tenant.schema_name if tenant else settings.PUBLIC_SCHEMA_NAME
        with schema_context(schema):
            client.force_login(user)
    return client


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


def start_celery_worker(
    *, name: str, includes: tuple[str, ...] = ("tests.celery_probe",), env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a real `celery -A portal worker` on the test database; return it once it answers a ping.

    `includes` are extra task modules for the worker (`-I`); `env` overrides its environment (a private
    broker, backends under test). Its output goes to test-results/celery-worker.log.
    """
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": database_url(),
        **(env or {}),
    }
    node = f"{name}-{os.getpid()}@{socket.gethostname()}"
    command = [
        sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO",
        "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "-n", node,
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    for module in includes:
        command += ["-I", module]
    log = (REPO_ROOT / "test-results").resolve()
    log.mkdir(exist_ok=True)
    with (log / "celery-worker.log").open("ab") as output:
        worker = subprocess.Popen(command, cwd=REPO_ROOT, env=full_env, stdout=output, stderr=subprocess.STDOUT)
    wait_for_worker(worker, node=node)
    return worker


def stop_celery_worker(worker: subprocess.Popen[bytes]) -> None:
    """Stop a worker started by `start_celery_worker` (warm shutdown, then kill after 15 s)."""
    if worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()


@pytest.fixture
def celery_worker(committed_tenants: dict[str, Tenant]) -> Iterator[subprocess.Popen[bytes]]:
    """Run a real Celery worker process on the test broker against the test database; stop it afterwards."""
    celery_app.control.purge()
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = None
    try:
        worker = start_celery_worker(name="test")
        yield worker
    finally:
        celery_app.conf.task_always_eager = previous_eager
        if worker is not None:
            stop_celery_worker(worker)


def database_url() -> str:
    """Return the URL of the test database, for processes the tests start."""
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for_worker(worker: subprocess.Popen[bytes], *, node: str, timeout: float = 60) -> None:
    """Return once the worker `node` answers a ping; fail if it exits or does not answer in time.

    Only that node is asked, so a leftover worker of an earlier run cannot answer for it.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError("The Celery worker exited at start-up; see test-results/celery-worker.log")
        if celery_app.control.ping(timeout=0.5, destination=[node]):
            return
    raise RuntimeError(f"No Celery worker answered within {timeout} s; see test-results/celery-worker.log")
