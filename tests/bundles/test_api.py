"""The bundle API: export, dry run, import, the schema, owners only, one tenant's bundle per domain."""

import json
from http.cookies import SimpleCookie

from django_tenants.utils import schema_context

from apps.bundles.services import bundle_export, configuration_of
from apps.preferences.models import GlobalPreference
from tests.conftest import client_for

JSON = "application/json"


def _post(client, body, query="", **headers):
    return client.post(f"/api/bundle/{query}", json.dumps(body), content_type=JSON, **headers)


def test_an_owner_exports_the_bundle_with_an_etag(configured_acme, acme_owner):
    response = client_for("acme.localhost", acme_owner, configured_acme).get("/api/bundle/")

    assert response.status_code == 200
    assert response["ETag"]
    assert configuration_of(response.json()) == configuration_of(bundle_export(tenant=configured_acme))


def test_the_dry_run_answers_the_diff_and_writes_nothing(configured_acme, globex, globex_owner):
    document = bundle_export(tenant=configured_acme)

    response = _post(client_for("globex.localhost", globex_owner, globex), document, "?dry_run=1")

    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert {"path": "/preferences/general__title", "kind": "new", "old": "", "new": "Acme portal"} in body["changes"]
    with schema_context("globex"):
        assert not GlobalPreference.objects.exists()


def test_a_post_imports_the_bundle(configured_acme, globex, globex_owner):
    document = bundle_export(tenant=configured_acme)

    response = _post(client_for("globex.localhost", globex_owner, globex), document)

    assert response.status_code == 200, response.content
    assert configuration_of(bundle_export(tenant=globex)) == configuration_of(document)


def test_a_refused_bundle_answers_the_envelope_naming_the_entry(configured_acme, globex, globex_owner):
    document = bundle_export(tenant=configured_acme)
    document["preferences"]["general__max_upload_mb"] = "lots"

    response = _post(client_for("globex.localhost", globex_owner, globex), document)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["/preferences/general__max_upload_mb"]
    with schema_context("globex"):
        assert not GlobalPreference.objects.exists()


def test_a_stale_if_match_is_refused_with_412(configured_acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, configured_acme)
    document = client.get("/api/bundle/").json()
    document["preferences"]["general__title"] = "Changed"

    response = _post(client, document, HTTP_IF_MATCH='"stale"')

    assert response.status_code == 412
    assert response.json()["current"]["preferences"]["general__title"] == "Acme portal"


def test_an_if_match_from_the_export_lets_the_import_through(configured_acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, configured_acme)
    exported = client.get("/api/bundle/")
    document = exported.json()
    document["preferences"]["general__title"] = "Changed"

    response = _post(client, document, HTTP_IF_MATCH=exported["ETag"])

    assert response.status_code == 200
    assert bundle_export(tenant=configured_acme)["preferences"]["general__title"] == "Changed"


def test_members_may_not_export_or_import(configured_acme, acme_member):
    client = client_for("acme.localhost", acme_member, configured_acme)

    assert client.get("/api/bundle/").status_code == 403
    assert _post(client, {"version": 1}).status_code == 403


def test_an_owner_of_globex_cannot_export_acmes_bundle(configured_acme, globex, globex_owner):
    globex_session = client_for("globex.localhost", globex_owner, globex)
    acme_with_globex_cookies = client_for("acme.localhost")
    acme_with_globex_cookies.cookies = SimpleCookie(globex_session.cookies.output(header="", sep=";"))

    own = globex_session.get("/api/bundle/")
    response = acme_with_globex_cookies.get("/api/bundle/")

    assert response.status_code in (401, 403)
    assert own.status_code == 200
    assert own.json()["source"]["tenant"] == "globex"
    assert "Acme portal" not in json.dumps(own.json())


def test_the_schema_is_published_and_in_the_openapi_document(acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, acme)

    schema = client.get("/api/bundle/schema/").json()
    openapi = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert schema["title"] == "Tenant configuration bundle"
    assert {"preferences", "live_settings", "notifications", "lists"} <= set(schema["properties"])
    assert "/api/bundle/" in openapi["paths"] and "/api/bundle/schema/" in openapi["paths"]
    assert {"get", "post"} <= set(openapi["paths"]["/api/bundle/"])
