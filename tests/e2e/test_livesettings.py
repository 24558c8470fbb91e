import re
from pathlib import Path

from playwright.sync_api import Page, expect

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
    row.get_by_label("Session expiry", exact=True).fill("60")
    row.get_by_role("button", name="Save").click()
    row = admin.get_by_test_id("setting-SESSION_EXPIRE_SECONDS")
    expect(row.get_by_test_id("saved-SESSION_EXPIRE_SECONDS")).to_be_visible()
    expect(row.get_by_test_id("value-SESSION_EXPIRE_SECONDS")).to_contain_text("1 minute")
    expect(row.get_by_test_id("changed-SESSION_EXPIRE_SECONDS")).to_contain_text("by root-admin")
    admin.screenshot(path=str(shots / "console-saved.png"), full_page=True)

    # An invalid value is refused in place, and the live value stays.
    row.get_by_label("Session expiry", exact=True).fill("5")
    row.get_by_role("button", name="Save").click()
    expect(admin.get_by_test_id("error-SESSION_EXPIRE_SECONDS")).to_contain_text("greater than or equal to 60")
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
