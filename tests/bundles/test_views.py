"""The owners' bundle page: download, upload, the dry-run diff, confirm and apply."""

import json
from http.cookies import SimpleCookie

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from apps.bundles.services import bundle_export, configuration_of
from apps.preferences.models import GlobalPreference
from tests.conftest import client_for


def test_the_page_offers_download_and_upload(configured_acme, acme_owner):
    response = client_for("acme.localhost", acme_owner, configured_acme).get("/owner/bundle/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Configuration bundle" in body and 'href="/owner/bundle/export/"' in body


def test_the_download_is_the_tenants_bundle(configured_acme, acme_owner):
    response = client_for("acme.localhost", acme_owner, configured_acme).get("/owner/bundle/export/")

    assert response["Content-Disposition"] == 'attachment; filename="acme-bundle.json"'
    assert configuration_of(json.loads(response.content)) == configuration_of(bundle_export(tenant=configured_acme))


def test_upload_shows_the_diff_then_confirming_applies_it(configured_acme, globex, globex_owner):
    client = client_for("globex.localhost", globex_owner, globex)
    text = json.dumps(bundle_export(tenant=configured_acme))

    diff = client.post("/owner/bundle/", {"file": SimpleUploadedFile("acme.json", text.encode())})

    body = diff.content.decode()
    assert 'data-testid="change-/preferences/general__title"' in body
    assert 'data-testid="bundle-apply"' in body
    with schema_context("globex"):
        assert not GlobalPreference.objects.exists()

    applied = client.post("/owner/bundle/apply/", {"document": diff.context["document"]})

    assert applied.status_code == 302
    assert configuration_of(bundle_export(tenant=globex)) == configuration_of(json.loads(text))


def test_a_refused_upload_names_the_entry_and_offers_no_apply(configured_acme, globex, globex_owner):
    document = bundle_export(tenant=configured_acme)
    document["preferences"]["general__nope"] = 1

    response = client_for("globex.localhost", globex_owner, globex).post(
        "/owner/bundle/", {"document": json.dumps(document)}
    )

    body = response.content.decode()
    assert "<code>/preferences/general__nope</code>" in body
    assert 'data-testid="bundle-apply"' not in body


def test_text_that_is_not_json_is_refused_in_the_form(acme, acme_owner):
    response = client_for("acme.localhost", acme_owner, acme).post("/owner/bundle/", {"document": "{nope"})

    assert response.status_code == 400
    assert "This is not JSON" in response.content.decode()


def test_members_get_403(acme, acme_member):
    client = client_for("acme.localhost", acme_member, acme)

    assert client.get("/owner/bundle/").status_code == 403
    assert client.get("/owner/bundle/export/").status_code == 403


def test_an_owner_of_globex_is_not_let_into_acmes_bundle_page(acme, globex, globex_owner):
    globex_session = client_for("globex.localhost", globex_owner, globex)
    on_acme = client_for("acme.localhost")
    on_acme.cookies = SimpleCookie(globex_session.cookies.output(header="", sep=";"))

    response = on_acme.get("/owner/bundle/export/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
