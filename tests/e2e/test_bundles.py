"""The owners' bundle page in a browser: paste a bundle, read the diff, apply it (axe checks every page)."""

import json

from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from apps.bundles.services import bundle_export
from apps.preferences.registries import global_preferences_registry
from apps.preferences.services import preferences_set
from tests.conftest import PASSWORD, make_user


def test_owner_previews_and_applies_another_tenants_bundle(page: Page, committed_tenants, site_url, snap):
    acme, globex = committed_tenants["acme"], committed_tenants["globex"]
    with schema_context("acme"):
        preferences_set(store=global_preferences_registry.store(), values={"general__title": "Acme portal"})
    make_user(globex, "oscar", owner=True)
    document = bundle_export(tenant=acme)

    page.goto(site_url("globex", "/accounts/login/?next=/owner/bundle/"))
    page.get_by_label("Username").fill("oscar")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Configuration bundle", level=1)).to_be_visible()
    page.get_by_label("…or paste the bundle").fill(json.dumps(document))
    page.get_by_role("button", name="Show what would change").click()
    expect(page.get_by_test_id("change-/preferences/general__title")).to_contain_text("Acme portal")
    snap("bundle-diff")
    page.get_by_test_id("bundle-apply").click()

    expect(page.get_by_text("Bundle applied")).to_be_visible()
    assert bundle_export(tenant=globex)["preferences"] == {"general__title": "Acme portal"}


def test_superadmin_starts_a_tenant_from_acmes_configuration(
    page: Page, committed_tenants, celery_worker, site_url, snap
):
    acme = committed_tenants["acme"]
    with schema_context("acme"):
        preferences_set(store=global_preferences_registry.store(), values={"general__title": "Acme portal"})
    make_user(None, "root-admin", superuser=True)

    page.goto(site_url(None, "/console/tenants/new/"))
    page.get_by_label("Username").fill("root-admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("textbox", name="Name*").fill("Wayne Enterprises")
    page.get_by_role("textbox", name="Subdomain*").fill("wayne")
    page.get_by_label("Copy configuration from").select_option(label="Acme Corporation")
    snap("create-form-copy")
    page.get_by_role("button", name="Create tenant").click()

    expect(page.get_by_test_id("tenant-state")).to_have_attribute("data-state", "ready", timeout=90_000)
    wayne = type(acme).objects.get(schema_name="wayne")
    exported = bundle_export(tenant=wayne)
    assert exported["preferences"] == {"general__title": "Acme portal"}
    assert {key: exported[key] for key in ("notifications", "lists", "live_settings")} == {
        key: bundle_export(tenant=acme)[key] for key in ("notifications", "lists", "live_settings")
    }
