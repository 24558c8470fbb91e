from tests.conftest import client_for


def test_healthz_reports_database_redis_and_workers_without_a_session(acme):
    response = client_for("acme.localhost").get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert body["ok"] is True
    assert body["services"]["database"]["ok"] and body["services"]["redis"]["ok"]
    assert "workers" in body["services"]
    assert all("detail" not in check for check in body["services"].values())  # error texts are for superadmins


def test_healthz_shows_superadmins_the_details(superadmin):
    body = client_for("localhost", superadmin).get("/healthz").json()

    assert body["services"]["database"]["detail"] == "reachable"


def test_healthz_answers_503_when_redis_is_unreachable(acme, settings):
    # Nothing listens on port 1; Django rebuilds the cache handlers when CACHES changes.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}

    response = client_for("localhost").get("/healthz")

    assert response.status_code == 503
    assert response.json()["services"]["redis"]["ok"] is False


def test_favicon_ico_leads_to_the_sites_svg_icon(acme):
    for host in ("localhost", "acme.localhost"):
        response = client_for(host).get("/favicon.ico")

        assert response.status_code == 301
        assert response["Location"].endswith("img/favicon.svg")
