import re

from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from apps.preferences.registries import global_preferences_registry
from apps.preferences.services import preferences_set
from tests.conftest import PASSWORD, make_user

STALE = re.compile(r"Changed by (\w+) at \d\d:\d\d — now (.+); your value was not saved\.")


def settled(page: Page) -> None:
    """Wait until htmx has wired up swapped-in content (it does so after the settle delay)."""
    # A locator, not wait_for_function: the site's Content-Security-Policy forbids the eval that one needs.
    expect(page.locator(".htmx-request, .htmx-added, .htmx-settling")).to_have_count(0)


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_member_changes_a_preference_in_place_and_sees_the_inline_error(page: Page, committed_tenants, site_url, snap):
    make_user(committed_tenants["acme"], "alice")

    log_in(page, site_url("acme", "/accounts/login/?next=/preferences/"), "alice")
    expect(page.get_by_role("heading", name="My preferences")).to_be_visible()
    snap("my-preferences")
    # A marker that a page load would wipe out: it must survive every save.
    page.evaluate("window.notReloaded = true")

    field = page.get_by_test_id("pref-appearance__items_per_page")
    field.get_by_label("Items per page").fill("50")
    field.get_by_label("Items per page").blur()
    field = page.get_by_test_id("pref-appearance__items_per_page")
    expect(field.get_by_test_id("saved")).to_have_text("saved")
    expect(field.get_by_test_id("badge")).to_have_text("your value")
    settled(page)
    snap("saved")

    field.get_by_label("Items per page").fill("2")
    field.get_by_label("Items per page").blur()
    expect(field.locator(".invalid-feedback")).to_contain_text("greater than or equal to 5")
    expect(field.get_by_label("Items per page")).to_have_class("form-control is-invalid")
    expect(field.get_by_label("Items per page")).to_be_focused()  # the swap keeps the focus on the control
    snap("inline-error")

    page.get_by_role("tab", name="Language and region").click()
    expect(page).to_have_url(site_url("acme", "/preferences/?section=locale"))
    settled(page)
    # The full IANA list, searched by typing (a datalist); choosing a suggestion commits it (a change event).
    page.get_by_label("Time zone").fill("Asia/Tokyo")
    page.get_by_label("Time zone").dispatch_event("change")
    expect(page.get_by_test_id("pref-locale__time_zone").get_by_test_id("saved")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True
    snap("second-tab")

    # The values are stored: a fresh load shows them.
    page.goto(site_url("acme", "/preferences/"))
    expect(page.get_by_label("Items per page")).to_have_value("50")


def test_owner_changes_an_organisation_preference_then_reverts_it_from_history(
    page: Page, committed_tenants, site_url, snap
):
    make_user(committed_tenants["acme"], "olivia", owner=True)

    log_in(page, site_url("acme", "/accounts/login/?next=/owner/preferences/%3Fsection%3Dgeneral"), "olivia")
    expect(page.get_by_role("heading", name="Organisation preferences")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    field = page.get_by_test_id("pref-general__title")
    field.get_by_label("Portal title").fill("Acme Intranet")
    field.get_by_label("Portal title").blur()
    expect(field.get_by_test_id("saved")).to_have_text("saved")
    assert page.evaluate("window.notReloaded") is True
    snap("organisation-saved")

    page.get_by_role("button", name="Manage").click()  # owners' pages are grouped in one menu
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History of preferences")).to_be_visible()
    # The navigation bar shows the new title on the next page load.
    expect(page.get_by_role("link", name="Acme Intranet")).to_be_visible()
    row = page.get_by_test_id("history").locator("tbody tr").first
    expect(row).to_contain_text("olivia")
    expect(row).to_contain_text("Portal")
    row.get_by_role("button", name="Revert Portal title").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("back to default (empty)")
    snap("revert-confirmation")
    dialog.get_by_role("button", name="Set back to").click()

    expect(page.locator("#toasts")).to_contain_text("Portal title is back to default (empty).")
    rows = page.get_by_test_id("history").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Revert")
    expect(page.get_by_role("link", name="Acme Corporation")).to_be_visible()
    snap("reverted")


def test_a_stale_save_of_my_preference_is_refused_and_can_be_applied_again(page: Page, committed_tenants, site_url):
    acme = committed_tenants["acme"]
    alice = make_user(acme, "alice")
    log_in(page, site_url("acme", "/accounts/login/?next=/preferences/"), "alice")
    expect(page.get_by_role("heading", name="My preferences")).to_be_visible()

    # Another tab of hers saves a value after this page was shown.
    with schema_context(acme.schema_name):
        preferences_set(
            store=alice.preferences.store(), values={"appearance__items_per_page": 40}, actor=alice, source="form"
        )

    field = page.get_by_test_id("pref-appearance__items_per_page")
    field.get_by_label("Items per page").fill("60")
    field.get_by_label("Items per page").blur()
    expect(field.get_by_test_id("stale")).to_contain_text(STALE)
    expect(field.get_by_test_id("stale")).to_contain_text("Changed by alice at")
    expect(field.get_by_test_id("stale")).to_contain_text("now 40;")
    expect(field.get_by_label("Items per page")).to_have_value("60")
    expect(field.get_by_label("Items per page")).to_be_focused()

    field.get_by_role("button", name="Apply my value again").click()
    expect(field.get_by_test_id("saved")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Items per page")).to_have_value("60")


def test_organisation_preference_error_in_place_and_a_stale_save_refused(page: Page, committed_tenants, site_url):
    acme = committed_tenants["acme"]
    make_user(acme, "olivia", owner=True)
    make_user(acme, "bob", owner=True)
    log_in(page, site_url("acme", "/accounts/login/?next=/owner/preferences/%3Fsection%3Dgeneral"), "olivia")
    expect(page.get_by_role("heading", name="Organisation preferences")).to_be_visible()

    field = page.get_by_test_id("pref-general__support_email")
    field.get_by_label("Support email").fill("nobody")
    field.get_by_label("Support email").blur()
    expect(field.get_by_test_id("error")).to_contain_text("Enter an email address such as help@example.com.")
    expect(field.get_by_label("Support email")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(field.get_by_label("Support email")).to_be_focused()

    with schema_context(acme.schema_name):
        preferences_set(
            store=global_preferences_registry.store(),
            values={"general__title": "Bob's portal"},
            actor="bob",
            source="form",
        )
    title = page.get_by_test_id("pref-general__title")
    title.get_by_label("Portal title").fill("Olivia's portal")
    title.get_by_label("Portal title").blur()
    expect(title.get_by_test_id("stale")).to_contain_text("Changed by bob at")
    expect(title.get_by_test_id("stale")).to_contain_text("now Bob's portal; your value was not saved.")
    expect(title.get_by_label("Portal title")).to_be_focused()
