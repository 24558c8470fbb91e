"""Preferences a person can see: the dark theme from the first paint on every page, durations in human units."""

from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from apps.livesettings.selectors import live_setting_override
from tests.conftest import PASSWORD, make_user

# Runs before any of the page's own scripts, in every document: records the theme <html> has when <body>
# first appears (the browser cannot paint the body before it exists), and the theme the server sent.
FIRST_PAINT_PROBE = """
new MutationObserver((changes, observer) => {
  if (document.body) {
    window.themeAtFirstBody = document.documentElement.getAttribute("data-bs-theme");
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""
DARK_BODY = "rgb(33, 37, 41)"  # Bootstrap 5.3's --bs-body-bg in the dark theme


def _log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _is_dark_from_the_start(page: Page, url: str) -> str:
    """Open `url`; return the HTML as served after checking the first paint and the finished page are dark."""
    response = page.goto(url)
    assert response is not None
    assert page.evaluate("window.themeAtFirstBody") == "dark", f"{url} showed its body before the theme applied"
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == DARK_BODY, url
    return response.text()


def test_dark_theme_applies_before_the_first_paint_on_every_page(page: Page, committed_tenants, site_url):
    acme = committed_tenants["acme"]
    olivia = make_user(acme, "olivia", owner=True)
    with schema_context("acme"):
        olivia.preferences["appearance__theme"] = "dark"
    page.context.add_init_script(FIRST_PAINT_PROBE)
    _log_in(page, site_url("acme", "/accounts/login/"), "olivia")

    for path in [
        "/",
        "/preferences/",
        "/preferences/notifications/",
        "/inbox/",
        "/projects/",
        "/projects/week/",
        "/profile/",
        "/owner/",
        "/owner/preferences/",
        "/owner/settings/",
        "/owner/history/",
        "/owner/lists/",
        "/owner/notifications/",
        "/owner/notifications/deliveries/",
        "/owner/bundle/",
    ]:
        served = _is_dark_from_the_start(page, site_url("acme", path))
        # As served: the server wrote the theme on <html>, nothing has to switch it afterwards.
        assert 'data-bs-theme="dark"' in served.split("<head>")[0], path
    # An error page, answered by the portal's own templates.
    page.goto(site_url("acme", "/no-such-page/"))
    expect(page.get_by_role("heading", name="There is nothing here")).to_be_visible()
    assert page.evaluate("window.themeAtFirstBody") == "dark"

    # Signed out, the login page knows no user: it keeps the theme last chosen on this device.
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Log out").click()
    _is_dark_from_the_start(page, site_url("acme", "/accounts/login/"))


def test_follow_the_device_is_dark_on_a_dark_device_from_the_first_paint(browser, committed_tenants, site_url):
    make_user(committed_tenants["acme"], "alice")  # the default theme: follow the device
    context = browser.new_context(color_scheme="dark")
    context.add_init_script(FIRST_PAINT_PROBE)
    page = context.new_page()
    _log_in(page, site_url("acme", "/accounts/login/"), "alice")
    served = _is_dark_from_the_start(page, site_url("acme", "/preferences/"))
    assert 'data-portal-theme="auto"' in served and 'data-bs-theme="dark"' not in served.split("<head>")[0]
    context.close()


def test_a_duration_entered_as_2_hours_is_stored_as_7200_seconds(page: Page, committed_tenants, site_url):
    acme = committed_tenants["acme"]
    make_user(acme, "olivia", owner=True)
    _log_in(page, site_url("acme", "/accounts/login/?next=/owner/settings/"), "olivia")
    row = page.get_by_test_id("override-SESSION_EXPIRE_SECONDS")
    # The site's value (8 hours) is the maximum, in the same units.
    expect(row).to_contain_text("Between 1 minute and 8 hours (the site's value).")

    row.get_by_label("Session expiry", exact=True).fill("2")
    row.get_by_label("Session expiry (unit)").select_option("hours")
    row.get_by_role("button", name="Save").click()

    row = page.get_by_test_id("override-SESSION_EXPIRE_SECONDS")
    expect(row.get_by_test_id("saved")).to_be_visible()
    expect(page.get_by_test_id("effective-SESSION_EXPIRE_SECONDS")).to_contain_text("2 hours")
    with schema_context("acme"):
        assert live_setting_override(setting="SESSION_EXPIRE_SECONDS") == 7200
    # Shown again as it was entered: 2, hours.
    expect(row.get_by_label("Session expiry", exact=True)).to_have_value("2")
    expect(row.get_by_label("Session expiry (unit)")).to_have_value("hours")

    # Beyond the site's value: refused in the same units.
    row.get_by_label("Session expiry", exact=True).fill("9")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_test_id("error")).to_contain_text("May not be more than the site's value, 8 hours.")
