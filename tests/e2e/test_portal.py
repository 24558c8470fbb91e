import re

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, make_user


def test_member_logs_in_on_acme_and_sees_the_portal(page: Page, committed_tenants, site_url, snap):
    make_user(committed_tenants["acme"], "alice", groups=("Sales",))

    page.goto(site_url("acme", "/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Log in to Acme Corporation")).to_be_visible()
    snap("login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Welcome, alice")).to_be_visible()
    expect(page.get_by_test_id("role")).to_have_text("Member")
    expect(page.get_by_text("Sales")).to_be_visible()
    expect(page.get_by_role("button", name="Manage")).to_have_count(0)
    expect(page.get_by_role("link", name="Manage")).to_have_count(0)
    snap("dashboard")

    # The session belongs to acme's domain only.
    page.goto(site_url("globex", "/"))
    expect(page.get_by_role("heading", name="Log in to Globex")).to_be_visible()
    snap("globex-asks-to-log-in")


def test_superadmin_creates_a_tenant_and_watches_it_become_ready(
    page: Page, committed_tenants, celery_worker, site_url, snap
):
    make_user(None, "root-admin", superuser=True)

    page.goto(site_url(None, "/console/"))
    page.get_by_label("Username").fill("root-admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Console")).to_be_visible()
    expect(page.locator("#health")).to_contain_text("Database")
    snap("console")

    page.get_by_role("link", name="Create a tenant").first.click()
    page.get_by_role("textbox", name="Name*").fill("Stark Industries")
    page.get_by_role("textbox", name="Subdomain*").fill("stark")
    page.get_by_label("Owner's username").fill("pepper")
    page.get_by_label("Owner's password").fill("stark-owner-pass-1")
    snap("create-form")
    page.get_by_role("button", name="Create tenant").click()

    expect(page.get_by_role("heading", name="Stark Industries")).to_be_visible()
    snap("progress")
    expect(page.get_by_test_id("tenant-state")).to_have_attribute("data-state", "ready", timeout=90_000)
    expect(page.get_by_test_id("tenant-users")).to_have_text("1")  # the owner, counted in the new schema
    snap("ready")

    page.get_by_role("link", name="Open Stark Industries").click()
    page.get_by_label("Username").fill("pepper")
    page.get_by_label("Password").fill("stark-owner-pass-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("role")).to_have_text("Owner")
    snap("new-tenant-dashboard")
