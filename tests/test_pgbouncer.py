"""PgBouncer in front of PostgreSQL with django-tenants' schema switching: which pool mode is safe (README).

django-tenants sets the schema with a session-level `SET search_path` when a cursor is first used after a schema
change, and TENANT_LIMIT_SET_CALLS keeps it from repeating the SET while the schema stays the same. In
transaction pooling each transaction may run on another server connection, so the SET of one client becomes
the search_path of another client's queries. Session pooling ties a client to one server connection for its
life, and `DISCARD ALL` empties that connection before the next client: safe, which is why production uses it.
"""

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection
from django_tenants.postgresql_backend.base import DatabaseWrapper

from apps.tenants.models import Tenant
from tests.support.pgbouncer import PrivatePgBouncer


def _bouncer(pool_mode: str, pool_size: int) -> PrivatePgBouncer:
    settings = connection.settings_dict
    return PrivatePgBouncer(
        host=settings["HOST"] or "127.0.0.1",
        port=int(settings["PORT"] or 5432),
        database=settings["NAME"],
        user=settings["USER"] or "postgres",
        pool_mode=pool_mode,
        pool_size=pool_size,
    )


@pytest.fixture
def bouncer_factory(tenants: dict[str, Tenant]) -> Iterator[Any]:
    started: list[PrivatePgBouncer] = []
    wrappers: list[DatabaseWrapper] = []

    def start(pool_mode: str, pool_size: int) -> tuple[PrivatePgBouncer, Any]:
        bouncer = _bouncer(pool_mode, pool_size)
        bouncer.start()
        started.append(bouncer)

        def client(schema: str) -> DatabaseWrapper:
            wrapper = DatabaseWrapper(bouncer.settings_dict(connection.settings_dict), alias=f"bouncer-{schema}")
            wrapper.set_schema(schema)
            wrappers.append(wrapper)
            return wrapper

        return bouncer, client

    yield start
    for wrapper in wrappers:
        wrapper.close()
    for bouncer in started:
        bouncer.stop()


def _schema_of(wrapper: DatabaseWrapper) -> str:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def test_transaction_pooling_hands_one_tenants_search_path_to_another(bouncer_factory):
    _, client = bouncer_factory("transaction", 1)
    acme, globex = client("acme"), client("globex")

    assert _schema_of(acme) == "acme"
    assert _schema_of(globex) == "globex"
    # acme's wrapper believes its search_path is set and sends no SET: its query runs in globex's schema.
    assert _schema_of(acme) == "globex"


def test_session_pooling_keeps_each_client_in_its_schema_and_resets_the_connection_after(bouncer_factory):
    bouncer, client = bouncer_factory("session", 2)
    acme, globex = client("acme"), client("globex")

    for _ in range(3):
        assert (_schema_of(acme), _schema_of(globex)) == ("acme", "globex")
    acme.close()

    # The next client gets acme's server connection, emptied by DISCARD ALL: the default search_path again.
    with psycopg.connect(host="127.0.0.1", port=bouncer.port, dbname=bouncer.database, user="postgres") as raw:
        assert raw.execute("SHOW search_path").fetchone() == ('"$user", public',)
    assert _schema_of(client("globex")) == "globex"
    assert _schema_of(globex) == "globex"
