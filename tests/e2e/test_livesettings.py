import re
from pathlib import Path

from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from apps.livesettings.services import live_setting_set, tenant_override_set
from tests.conftest import PASSWORD, make_user


def _log_in(page: Page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_superadmin_lowers_session_expiry_and_a_member_is_logged_out_after_it_passes(
    page: Page, browser, committed_tenants, site_url, snap, output_path, clock
):
    make_user(None, "root-admin", superuser=True)
    make_user(committed_tenants["acme"], "alice")
    shots = Path(output_path)
    # The server's session clock stands still (the `clock` fixture) and the member's page runs on a clock the
    # test moves too, so the minute below passes at once on both sides instead of in real time.
    page.clock.install()

    # A member works on acme in one browser context…
    page.goto(site_url("acme", "/"))
    _log_in(page, "alice")
    expect(page.get_by_role("heading", name="Welcome, alice")).to_be_visible()
    snap("member-signed-in")

    # …while a superadmin, in another, lowers the session expiry to one minute.
    admin_context = browser.new_context()
    admin = admin_context.new_page()
    admin.goto(site_url(None, "/console/settings/"))
    _log_in(admin, "root-admin")
    expect(admin.get_by_role("heading", name="Live settings")).to_be_visible()
    row = admin.get_by_test_id("setting-SESSION_EXPIRE_SECONDS")
    expect(row.get_by_test_id("value-SESSION_EXPIRE_SECONDS")).to_contain_text("8 hours")
    admin.screenshot(path=str(shots / "console-before.png"), full_page=True)
    row.get_by_label("Session expiry", exact=True).fill("1")
    row.get_by_label("Session expiry (unit)").select_option("minutes")
    row.get_by_role("button", name="Save").click()
    row = admin.get_by_test_id("setting-SESSION_EXPIRE_SECONDS")
    expect(row.get_by_test_id("saved")).to_be_visible()
    expect(row.get_by_test_id("value-SESSION_EXPIRE_SECONDS")).to_contain_text("1 minute")
    expect(row.get_by_test_id("changed-SESSION_EXPIRE_SECONDS")).to_contain_text("by root-admin")
    admin.screenshot(path=str(shots / "console-saved.png"), full_page=True)

    # An invalid value is refused in place, and the live value stays.
    row.get_by_label("Session expiry", exact=True).fill("5")
    row.get_by_label("Session expiry (unit)").select_option("seconds")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_test_id("error")).to_contain_text("between 1 minute and 30 days")
    admin.screenshot(path=str(shots / "console-error.png"), full_page=True)
    admin_context.close()

    # The member's next page warns that the session is about to end…
    page.reload()
    expect(page.get_by_test_id("session-warning")).to_contain_text("Your session ends in")
    snap("member-warned")

    # …and once the minute since login has passed, the warning's check sends them to log in again.
    clock.advance(61)
    page.clock.fast_forward("01:02")  # the warning asks the server again 61 s after it appeared
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Log in to Acme Corporation")).to_be_visible()
    expect(page.get_by_text("Your session has expired. Please log in again.")).to_be_visible()
    snap("member-logged-out")


def test_console_field_keeps_focus_on_an_error_and_refuses_a_stale_save(page: Page, committed_tenants, site_url):
    make_user(None, "root-admin", superuser=True)
    page.goto(site_url(None, "/console/settings/"))
    _log_in(page, "root-admin")
    expect(page.get_by_role("heading", name="Live settings")).to_be_visible()

    row = page.get_by_test_id("setting-SESSION_EXPIRE_WARNING_SECONDS")
    control = row.get_by_label("Expiry warning", exact=True)
    control.fill("99999")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_test_id("error")).to_be_visible()
    expect(row.get_by_label("Expiry warning", exact=True)).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(row.get_by_label("Expiry warning", exact=True)).to_be_focused()

    # Another superadmin changes the grace period after this page was shown.
    live_setting_set(setting="SESSION_EXPIRE_GRACE_SECONDS", value=300, actor="olivia")
    row = page.get_by_test_id("setting-SESSION_EXPIRE_GRACE_SECONDS")
    row.get_by_label("Activity grace period", exact=True).fill("2")
    row.get_by_label("Activity grace period (unit)").select_option("minutes")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_test_id("stale")).to_contain_text(
        re.compile(r"Changed by olivia at \d\d:\d\d — now 5 minutes; your value was not saved\.")
    )
    expect(row.get_by_label("Activity grace period", exact=True)).to_have_value("2")
    expect(row.get_by_label("Activity grace period", exact=True)).to_be_focused()
    row.get_by_role("button", name="Apply my value again").click()
    expect(row.get_by_test_id("saved")).to_be_visible()
    expect(row.get_by_test_id("value-SESSION_EXPIRE_GRACE_SECONDS")).to_contain_text("2 minutes")


def test_a_toast_shown_once_never_comes_back_after_later_swaps(page: Page, committed_tenants, site_url):
    make_user(None, "root-admin", superuser=True)
    page.goto(site_url(None, "/console/settings/"))
    _log_in(page, "root-admin")
    toasts = page.locator("#toasts")

    row = page.get_by_test_id("setting-SESSION_EXPIRE_GRACE_SECONDS")
    row.get_by_label("Activity grace period", exact=True).fill("2")
    row.get_by_label("Activity grace period (unit)").select_option("minutes")
    row.get_by_role("button", name="Save").click()
    first = toasts.locator(".toast", has_text="Activity grace period is now 2 minutes.")
    expect(first).to_be_visible()
    first.get_by_role("button", name="Close").click()
    expect(first).to_have_count(0)  # dismissed: gone from the page, so no swap can show it again

    # Later swaps: one that fails (no message) and one that saves (a message of its own).
    row = page.get_by_test_id("setting-SESSION_EXPIRE_WARNING_SECONDS")
    row.get_by_label("Expiry warning", exact=True).fill("99999")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_test_id("error")).to_be_visible()
    row.get_by_label("Expiry warning", exact=True).fill("5")
    row.get_by_label("Expiry warning (unit)").select_option("minutes")
    row.get_by_role("button", name="Save").click()
    expect(toasts.locator(".toast", has_text="Expiry warning is now 5 minutes.")).to_be_visible()
    expect(toasts.locator(".toast", has_text="Activity grace period is now 2 minutes.")).to_have_count(0)
    expect(toasts.locator(".toast.show")).to_have_count(1)


def test_owner_override_error_in_place_stale_refused_and_saved_without_javascript(
    page: Page, browser, committed_tenants, site_url
):
    acme = committed_tenants["acme"]
    make_user(acme, "olivia", owner=True)
    page.goto(site_url("acme", "/owner/settings/"))
    _log_in(page, "olivia")
    expect(page.get_by_role("heading", name="Site settings for Acme Corporation")).to_be_visible()

    row = page.get_by_test_id("override-SESSION_EXPIRE_SECONDS")
    row.get_by_label("Session expiry", exact=True).fill("9")
    row.get_by_label("Session expiry (unit)").select_option("hours")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_test_id("error")).to_contain_text("May not be more than the site's value, 8 hours.")
    expect(row.get_by_label("Session expiry", exact=True)).to_be_focused()

    with schema_context(acme.schema_name):
        tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="bob")
    row.get_by_label("Session expiry", exact=True).fill("30")
    row.get_by_label("Session expiry (unit)").select_option("minutes")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_test_id("stale")).to_contain_text(
        re.compile(r"Changed by bob at \d\d:\d\d — now 15 minutes; your value was not saved\.")
    )
    expect(row.get_by_label("Session expiry", exact=True)).to_be_focused()

    # Without JavaScript the same form posts, saves and says so on the page it comes back to.
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(site_url("acme", "/owner/settings/"))
    _log_in(plain, "olivia")
    row = plain.get_by_test_id("override-SESSION_EXPIRE_SECONDS")
    row.get_by_label("Session expiry", exact=True).fill("20")
    row.get_by_label("Session expiry (unit)").select_option("minutes")
    row.get_by_role("button", name="Save").click()
    expect(plain.get_by_text("Session expiry for your organisation is now 20 minutes.")).to_be_visible()
    expect(plain.get_by_test_id("effective-SESSION_EXPIRE_SECONDS")).to_contain_text("20 minutes")
    context.close()


def test_superadmin_creates_a_custom_setting_deletes_it_after_confirming_and_schedules_a_change(
    page: Page, committed_tenants, site_url, snap
):
    make_user(None, "root-admin", superuser=True)
    page.goto(site_url(None, "/console/settings/"))
    _log_in(page, "root-admin")

    # A custom setting is created from the form at the foot of the page…
    form = page.locator("#custom-create")
    form.get_by_label("Name").fill("PARTNER_LIMIT")
    form.get_by_label("Type").select_option("integer")
    form.get_by_label("Value", exact=True).fill("25")
    form.get_by_label("What it does").fill("Calls per minute to the partner.")
    form.get_by_role("button", name="Create or update").click()
    row = page.get_by_test_id("setting-PARTNER_LIMIT")
    expect(row.get_by_test_id("value-PARTNER_LIMIT")).to_contain_text("25")
    snap("custom-created")

    # …a name of Django's own is refused in place…
    form = page.locator("#custom-create")
    form.get_by_label("Name").fill("SECRET_KEY")
    form.get_by_role("button", name="Create or update").click()
    expect(page.locator("#custom-create")).to_contain_text("one of Django's or the portal's own settings")

    # …and deleting asks first, naming the setting.
    page.get_by_test_id("setting-PARTNER_LIMIT").get_by_role("link", name="Delete PARTNER_LIMIT…").click()
    dialog = page.get_by_role("dialog", name="Delete PARTNER_LIMIT?")
    expect(dialog).to_contain_text("settings.PARTNER_LIMIT fails")
    snap("custom-delete-confirm")
    dialog.get_by_role("button", name="Delete PARTNER_LIMIT").click()
    expect(page.get_by_test_id("setting-PARTNER_LIMIT")).to_have_count(0)

    # A change is scheduled for tomorrow night, shown as pending, and cancelled.
    schedule = page.locator("#scheduled")
    schedule.get_by_label("Setting", exact=True).select_option("MAINTENANCE_MODE")
    schedule.get_by_label("New value").fill("on")
    schedule.get_by_label("When").fill("2099-12-31T22:00")
    schedule.get_by_role("button", name="Schedule").click()
    pending = page.locator("#scheduled tbody tr").first
    expect(pending).to_contain_text("pending")
    expect(pending).to_contain_text("2099-12-31 22:00")
    snap("scheduled-pending")
    pending.get_by_role("button", name=re.compile("Cancel")).click()
    expect(page.locator("#scheduled")).to_contain_text("Nothing scheduled")
