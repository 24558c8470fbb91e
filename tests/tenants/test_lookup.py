import os
import uuid

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_redis import get_redis_connection

from apps.tenants.lookup import VERSION_KEY, tenant_for_hostname
from apps.tenants.models import Domain, Tenant
from apps.tenants.services import tenant_deactivate
from tests.support.people import client_for


def _domain_queries(queries):
    return [q["sql"] for q in queries.captured_queries if 'FROM "tenants_domain"' in q["sql"]]


def test_a_known_host_is_served_from_the_process_cache_after_the_first_request(acme):
    client = client_for("acme.localhost")
    client.get("/accounts/login/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert _domain_queries(queries) == []
    assert not [q for q in queries.captured_queries if q["sql"] == 'SET search_path = "public"']


def test_deactivating_a_tenant_answers_404_on_the_next_request(acme):
    client = client_for("acme.localhost")
    assert client.get("/accounts/login/").status_code == 200

    tenant_deactivate(tenant=acme, actor="test")

    assert client.get("/accounts/login/").status_code == 404


def test_another_process_bumping_the_token_makes_this_one_reload(acme):
    tenant_for_hostname("acme.localhost")
    # What another process's commit does, seen from here: the token moves, and a name changed meanwhile.
    Tenant.objects.filter(pk=acme.pk).update(name="Acme renamed elsewhere")
    get_redis_connection("default").set(VERSION_KEY, "moved-by-another-process")

    with CaptureQueriesContext(connection) as queries:
        tenant = tenant_for_hostname("acme.localhost")

    assert tenant.name == "Acme renamed elsewhere"
    assert len(_domain_queries(queries)) == 1


def test_a_new_domain_routes_at_once(acme):
    tenant_for_hostname("acme.localhost")

    Domain.objects.create(domain="acme-alias.localhost", tenant=acme, is_primary=False)

    assert tenant_for_hostname("acme-alias.localhost").schema_name == "acme"


def test_each_lookup_returns_its_own_copy(acme):
    first = tenant_for_hostname("acme.localhost")
    first.domain_url = "changed by one request"

    assert tenant_for_hostname("acme.localhost").domain_url != "changed by one request"


def test_lookups_read_postgresql_while_redis_is_unreachable(acme, redis_at):
    redis_at("redis://127.0.0.1:1/0")

    with CaptureQueriesContext(connection) as queries:
        assert tenant_for_hostname("acme.localhost").schema_name == "acme"
        assert tenant_for_hostname("acme.localhost").schema_name == "acme"

    assert len(_domain_queries(queries)) == 2  # nothing kept without the token


@pytest.fixture
def redis_round_trips(monkeypatch):
    """Record every command any Redis client or connection of this process sends (each is a round trip)."""
    sent = []
    original = redis.connection.AbstractConnection.send_command

    def counting(self, *args, **options):
        sent.append(" ".join(arg.decode() if isinstance(arg, bytes) else str(arg) for arg in args))
        return original(self, *args, **options)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_command", counting)
    return sent


def _other_client():
    """A Redis client of its own, as another process would have."""
    return redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"))


def test_a_warm_signed_in_page_reads_no_version_token_from_redis(acme, acme_member, client_of, redis_round_trips):
    client = client_of(acme_member, acme)
    for _ in range(3):  # fetches the tokens, opens the tracking connection, then holds them
        assert client.get("/").status_code == 200
    redis_round_trips.clear()

    response = client.get("/")

    assert response.status_code == 200
    # The one round trip left is the session's cached copy with its generation (apps.accounts.sessions).
    assert len(redis_round_trips) == 1
    assert redis_round_trips[0].startswith("MGET")
    assert "portal:session-generation" in redis_round_trips[0]
    assert "version" not in redis_round_trips[0]


def test_the_token_is_fetched_each_request_without_client_tracking(acme, settings, redis_round_trips):
    settings.TENANT_LOOKUP_CLIENT_TRACKING = False
    tenant_for_hostname("acme.localhost")
    redis_round_trips.clear()

    tenant_for_hostname("acme.localhost")
    tenant_for_hostname("acme.localhost")

    assert [command.split()[0] for command in redis_round_trips] == ["GET", "GET"]


def _warm(client):
    for _ in range(3):
        assert client.get("/accounts/login/").status_code == 200


def _as_another_process(change) -> None:
    """Make `change` in the database without this process's signals, then bump the token from another client."""
    change()
    _other_client().set(VERSION_KEY, uuid.uuid4().hex)


def test_a_tenant_deactivated_by_another_process_answers_404_on_the_next_request(acme, redis_round_trips):
    client = client_for("acme.localhost")
    _warm(client)

    _as_another_process(lambda: Tenant.objects.filter(pk=acme.pk).update(is_active=False))
    redis_round_trips.clear()

    assert client.get("/accounts/login/").status_code == 404
    assert "MGET portal:tenants:version" in redis_round_trips  # the pushed invalidation dropped the held token


def test_a_domain_removed_by_another_process_answers_404_on_the_next_request(acme):
    Domain.objects.create(domain="acme-alias.localhost", tenant=acme, is_primary=False)
    client = client_for("acme-alias.localhost")
    _warm(client)

    _as_another_process(lambda: Domain.objects.filter(domain="acme-alias.localhost")._raw_delete(connection.alias))

    assert client.get("/accounts/login/").status_code == 404


def test_a_domain_moved_by_another_process_routes_to_its_new_tenant_on_the_next_request(acme, globex):
    Domain.objects.create(domain="shared.localhost", tenant=acme, is_primary=False)
    _warm(client_for("shared.localhost"))
    assert tenant_for_hostname("shared.localhost").schema_name == "acme"

    _as_another_process(lambda: Domain.objects.filter(domain="shared.localhost").update(tenant=globex))

    assert tenant_for_hostname("shared.localhost").schema_name == "globex"


def test_a_lost_tracking_connection_falls_back_to_the_get(acme, settings, redis_round_trips):
    settings.TENANT_LOOKUP_REDIS_RETRY_SECONDS = 60
    tenant_for_hostname("acme.localhost")
    tenant_for_hostname("acme.localhost")
    _other_client().execute_command("CLIENT", "KILL", "TYPE", "pubsub")
    redis_round_trips.clear()

    tenant_for_hostname("acme.localhost")
    tenant_for_hostname("acme.localhost")

    assert [command.split()[0] for command in redis_round_trips] == [
        "MGET",
        "MGET",
    ]  # no token is trusted without the pushes
    Tenant.objects.filter(pk=acme.pk).update(name="Renamed during the loss")
    _other_client().set(VERSION_KEY, uuid.uuid4().hex)
    assert tenant_for_hostname("acme.localhost").name == "Renamed during the loss"


def test_a_flushed_redis_is_seen_on_the_next_lookup(acme, redis_round_trips):
    tenant_for_hostname("acme.localhost")
    tenant_for_hostname("acme.localhost")
    Tenant.objects.filter(pk=acme.pk).update(name="Renamed before the flush")
    _other_client().flushdb()
    redis_round_trips.clear()

    tenant = tenant_for_hostname("acme.localhost")

    assert tenant.name == "Renamed before the flush"  # the token was recreated: entries forgotten
    assert redis_round_trips[0] == "MGET portal:tenants:version"
