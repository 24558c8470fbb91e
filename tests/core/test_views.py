from tests.conftest import client_for


def test_healthz_answers_alive_with_no_sql_and_no_redis_call(acme, django_assert_num_queries, stalled_redis, redis_at):
    redis_at(stalled_redis.url)  # any Redis call would connect to it (and hang for its timeout)

    with django_assert_num_queries(0):
        responses = [client_for(host).get("/healthz") for host in ("acme.localhost", "localhost", "10.1.2.3")]

    assert [(r.status_code, r.json()) for r in responses] == [(200, {"ok": True})] * 3
    assert stalled_redis.connections == 0


def test_readyz_reports_database_redis_and_workers_without_a_session(acme):
    response = client_for("acme.localhost").get("/readyz")

    body = response.json()
    assert response.status_code == 200
    assert body["ok"] is True
    assert body["services"]["database"]["ok"] and body["services"]["redis"]["ok"]
    assert "workers" in body["services"]
    assert all("detail" not in check for check in body["services"].values())  # error texts are for superadmins


def test_readyz_answers_whatever_the_host_name(tenants):
    # A load balancer probes by address: no tenant routing, so no 404 for a host the portal does not know.
    assert client_for("10.1.2.3").get("/readyz").status_code == 200


def test_readyz_shows_superadmins_the_details(superadmin):
    body = client_for("localhost", superadmin).get("/readyz").json()

    assert body["services"]["database"]["detail"] == "reachable"


def test_readyz_answers_503_when_redis_is_unreachable(acme, settings):
    # Nothing listens on port 1; Django rebuilds the cache handlers when CACHES changes.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}

    response = client_for("localhost").get("/readyz")

    assert response.status_code == 503
    assert response.json()["services"]["redis"]["ok"] is False


def test_favicon_ico_leads_to_the_sites_svg_icon(acme):
    for host in ("localhost", "acme.localhost"):
        response = client_for(host).get("/favicon.ico")

        assert response.status_code == 301
        assert response["Location"].endswith("img/favicon.svg")
