import re

from playwright.sync_api import Browser, Page, expect

from apps.tenants.models import Tenant
from tests.conftest import PASSWORD, make_user
from tests.e2e.accessibility import AxeChecker


def _log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _doomed_tenant() -> Tenant:
    # A tenant row whose provisioning failed: deleting it drops no schema another test needs.
    return Tenant.objects.create(schema_name="doomed", name="Doomed", state=Tenant.State.FAILED)


PAGE = '<!doctype html><html lang="en"><head><title>Check</title></head><body><main><h1>Check</h1>{}</main></body>'


def test_the_axe_hook_reports_a_serious_violation_by_rule_page_and_element(page: Page, axe_checker: AxeChecker):
    page.set_content(PAGE.format('<p style="color:#bbb;background:#fff">Pale text</p>'))
    axe_checker.check(page)

    assert [v.rule for v in axe_checker.violations] == ["color-contrast"]
    assert "Pale text" in axe_checker.report() and "serious" in axe_checker.report()
    # The hook's own check of this test's page must find nothing, so leave it clean.
    axe_checker.violations.clear()
    page.set_content(PAGE.format("<p>Plain text</p>"))


def test_an_owner_reaches_the_manage_menu_password_change_and_log_out_without_javascript(
    browser: Browser, committed_tenants, site_url, snap
):
    make_user(committed_tenants["acme"], "olivia", owner=True)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()

    _log_in(page, site_url("acme", "/"), "olivia")
    expect(page.get_by_role("heading", name="Welcome, olivia")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Main navigation")
    navigation.get_by_role("link", name="Lists of values").click()  # in the Manage menu, laid out open without JS
    expect(page.get_by_role("heading", name="Lists of values")).to_be_visible()
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("Dashboard")
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Acme Corporation")).to_be_visible()
    page.goto(site_url("acme", "/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # the session is gone
    context.close()


def test_a_superadmin_uses_the_console_navigation_without_javascript(browser: Browser, committed_tenants, site_url):
    make_user(None, "root-admin", superuser=True)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    _log_in(page, site_url(None, "/console/"), "root-admin")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Live settings").click()
    expect(page.get_by_role("heading", name="Live settings")).to_be_visible()
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("Console")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to the portal console")).to_be_visible()
    context.close()


def test_a_mismatched_deletion_keeps_the_dialog_open_and_says_why(page: Page, committed_tenants, site_url, snap):
    make_user(None, "root-admin", superuser=True)
    doomed = _doomed_tenant()
    _log_in(page, site_url(None, f"/console/tenants/{doomed.pk}/"), "root-admin")

    page.get_by_role("button", name="Delete…").click()
    dialog = page.get_by_role("dialog", name="Delete Doomed for good?")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Type the tenant's subdomain to confirm").fill("globex")
    dialog.get_by_role("button", name="Delete Doomed").click()

    expect(dialog.get_by_text("Type the tenant's subdomain exactly to confirm the deletion.")).to_be_visible()
    field = dialog.get_by_label("Type the tenant's subdomain to confirm")
    expect(field).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(field).to_be_focused()
    expect(page).to_have_url(re.compile(rf"/console/tenants/{doomed.pk}/$"))
    snap("refused-in-the-dialog")

    field.fill("doomed")
    dialog.get_by_role("button", name="Delete Doomed").click()
    expect(page).to_have_url(re.compile(r"/console/tenants/$"))
    expect(page.get_by_text("Doomed and all its data were deleted.")).to_be_visible()
    assert not Tenant.objects.filter(pk=doomed.pk).exists()


def test_a_mismatched_deletion_without_javascript_shows_the_dialog_again_with_the_reason(
    browser: Browser, committed_tenants, site_url
):
    make_user(None, "root-admin", superuser=True)
    doomed = _doomed_tenant()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _log_in(page, site_url(None, f"/console/tenants/{doomed.pk}/"), "root-admin")

    page.get_by_role("button", name="Delete…").click()  # a link to ?confirm=delete, which renders it open
    dialog = page.get_by_role("dialog", name="Delete Doomed for good?")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Type the tenant's subdomain to confirm").fill("nope")
    dialog.get_by_role("button", name="Delete Doomed").click()

    dialog = page.get_by_role("dialog", name="Delete Doomed for good?")
    expect(dialog.get_by_text("Type the tenant's subdomain exactly to confirm the deletion.")).to_be_visible()
    assert Tenant.objects.filter(pk=doomed.pk).exists()
    dialog.get_by_label("Type the tenant's subdomain to confirm").fill("doomed")
    dialog.get_by_role("button", name="Delete Doomed").click()
    expect(page).to_have_url(re.compile(r"/console/tenants/$"))
    assert not Tenant.objects.filter(pk=doomed.pk).exists()
    context.close()


def test_focus_is_visible_on_switches_and_on_the_dark_navbar(page: Page, committed_tenants, site_url):
    make_user(committed_tenants["acme"], "alice")
    _log_in(page, site_url("acme", "/preferences/notifications/"), "alice")
    ring = "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"

    def tab_to(locator):
        # Reach it by keyboard (back one, forward one), the way :focus-visible is meant to be seen.
        locator.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        expect(locator).to_be_focused()

    switch = page.locator('[role="switch"]:enabled').first
    tab_to(switch)
    assert switch.evaluate(ring) == ["solid", "3px", "rgb(10, 88, 202)"]

    link = page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Dashboard")
    tab_to(link)
    assert link.evaluate(ring) == ["solid", "3px", "rgb(255, 218, 106)"]


def test_the_site_has_a_favicon(page: Page, committed_tenants, site_url):
    page.goto(site_url("acme", "/accounts/login/"))
    icon = page.locator('link[rel="icon"]')
    href = icon.get_attribute("href")
    assert href and href.endswith(".svg")
    # From the browser itself: Python's resolver knows no *.localhost.
    icon_answer = page.goto(site_url("acme", href))
    assert icon_answer is not None and icon_answer.ok
    favicon_ico = page.goto(site_url("acme", "/favicon.ico"))
    assert favicon_ico is not None and favicon_ico.ok and "svg" in favicon_ico.headers["content-type"]
