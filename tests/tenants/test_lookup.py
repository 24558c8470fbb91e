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


def test_lookups_read_postgresql_while_redis_is_unreachable(acme, redis_at, monkeypatch):
    monkeypatch.setattr("apps.tenants.lookup._circuit_open_until", 0.0)
    redis_at("redis://127.0.0.1:1/0")

    with CaptureQueriesContext(connection) as queries:
        assert tenant_for_hostname("acme.localhost").schema_name == "acme"
        assert tenant_for_hostname("acme.localhost").schema_name == "acme"

    assert len(_domain_queries(queries)) == 2  # nothing kept without the token
