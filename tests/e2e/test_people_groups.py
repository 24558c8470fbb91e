"""An owner runs the organisation's groups and imports people, in a browser (axe checks every page)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, make_user


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_owner_creates_orders_fills_and_deletes_groups(page: Page, committed_tenants, site_url, snap):
    acme = committed_tenants["acme"]
    make_user(acme, "olivia", owner=True)
    make_user(acme, "alice")
    make_user(acme, "bob")

    log_in(page, site_url("acme", "/accounts/login/?next=/owner/groups/"), "olivia")
    expect(page.get_by_role("heading", name="Groups")).to_be_visible()
    for name in ("Sales", "Support"):
        page.goto(site_url("acme", "/owner/groups/"))
        page.get_by_label("Group name").fill(name)
        page.get_by_role("button", name="Create group").click()
        expect(page.get_by_role("heading", name=f"Group {name}")).to_be_visible()

    # Members in bulk, and the product's one grantable permission.
    page.get_by_role("listbox", name="People to add").select_option(label="alice")
    page.get_by_role("button", name="Add the selected people").click()
    expect(page.get_by_test_id("member-row")).to_have_count(1)
    page.get_by_label("Receive billing notifications").check()
    page.get_by_role("button", name="Save permissions").click()
    expect(page.get_by_label("Receive billing notifications")).to_be_checked()
    snap("group-detail")

    page.get_by_role("link", name="Groups", exact=True).first.click()
    expect(page.get_by_test_id("group-order")).to_contain_text("1. Sales, 2. Support")
    page.get_by_role("button", name="Up Support").click()
    expect(page.get_by_test_id("group-order")).to_contain_text("1. Support, 2. Sales")
    snap("group-list")

    page.get_by_role("link", name="Support").click()
    page.get_by_role("link", name="Delete Support…").click()
    expect(page.get_by_test_id("delete-members")).to_contain_text("alice")
    page.get_by_role("button", name="Delete “Support”").click()
    expect(page.get_by_test_id("group-order")).to_have_text("Order: 1. Sales")


def test_owner_imports_people_and_sees_every_bad_row(page: Page, committed_tenants, site_url, tmp_path: Path):
    acme = committed_tenants["acme"]
    make_user(acme, "olivia", owner=True)
    bad = tmp_path / "bad.csv"
    bad.write_text("email,name\nok@example.com,Ok\nnope,Nope\n")
    good = tmp_path / "good.csv"
    good.write_text("email,name\n" + "".join(f"g{i}@example.com,G {i}\n" for i in range(250)))

    log_in(page, site_url("acme", "/accounts/login/?next=/owner/people/import/"), "olivia")
    page.get_by_label("CSV file").set_input_files(bad)
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("import-problems")).to_contain_text("Line 3: “nope” is not a valid email address.")

    page.get_by_label("CSV file").set_input_files(good)
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("import-state")).to_have_attribute("data-state", "done", timeout=30_000)
    expect(page.get_by_test_id("import-status")).to_contain_text("Imported 250 people.")
    with schema_context("acme"):
        assert get_user_model().objects.filter(username__startswith="g").count() == 250
