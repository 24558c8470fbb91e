"""The Content-Security-Policy holds on every kind of page: htmx, Bootstrap and Swagger UI raise no violation."""

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from apps.tenants.models import Tenant
from tests.conftest import PASSWORD, make_user
from tests.e2e.accessibility import AxeChecker

# Runs in every document before its own scripts; a refused script or style fires this event on the document.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
    + `at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


class ViolationWatch:
    """Collect CSP violations of every page of a browser context, from the DOM event and from the console."""

    def __init__(self, context: BrowserContext) -> None:
        self.found: list[str] = []
        context.add_init_script(WATCH_VIOLATIONS)
        context.on("console", self._console)

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.found.append(f"console: {message.text}")

    def visit(self, page: Page, url: str) -> None:
        """Open `url`, let its scripts run, and keep what the policy refused there."""
        response = page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        assert response.headers.get("content-security-policy"), url
        page.wait_for_load_state("networkidle")
        self.collect(page)

    def collect(self, page: Page) -> None:
        self.found += [f"{page.url}: {line}" for line in page.evaluate("window.__cspViolations || []")]
        page.evaluate("window.__cspViolations = []")


def _leave_swagger_ui_to_its_authors(page: Page, axe_checker: AxeChecker, home: str) -> None:
    """Forget what axe found on the API docs page: Swagger UI's markup and colours are the sidecar package's.

    The docs page is here for its policy only; every page of the portal's own stays checked. Leave it for `home`
    so the hook's final check sees one of ours.
    """
    axe_checker.check(page)
    axe_checker.violations[:] = [v for v in axe_checker.violations if not v.url.endswith("/api/docs/")]
    page.goto(home)


def _log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_tenant_pages_pass_the_policy_with_htmx_and_bootstrap_at_work(
    page: Page, committed_tenants: dict[str, Tenant], site_url: Callable[..., str], axe_checker: AxeChecker
) -> None:
    make_user(committed_tenants["acme"], "olivia", owner=True)
    watch = ViolationWatch(page.context)
    _log_in(page, site_url("acme", "/accounts/login/"), "olivia")

    for path in (
        "/",
        "/preferences/",
        "/preferences/notifications/",
        "/owner/",
        "/owner/preferences/",
        "/owner/notifications/",
        "/owner/lists/",
        "/owner/settings/",
        "/owner/history/",
        "/projects/",
        "/api/docs/",
    ):
        watch.visit(page, site_url("acme", path))
    expect(page.locator(".swagger-ui .info")).to_be_visible()  # Swagger UI started: its script is a file
    watch.collect(page)
    _leave_swagger_ui_to_its_authors(page, axe_checker, site_url("acme", "/preferences/"))

    # An htmx save: the request indicator (htmx's own style is off), the swap, the toast.
    watch.visit(page, site_url("acme", "/preferences/"))
    field = page.get_by_test_id("pref-appearance__items_per_page")
    field.get_by_label("Items per page").fill("50")
    field.get_by_label("Items per page").blur()
    expect(page.get_by_test_id("pref-appearance__items_per_page").get_by_test_id("saved")).to_have_text("saved")
    # A Bootstrap dropdown (the Manage menu) opens and positions itself (Popper sets styles from script).
    page.get_by_role("button", name="Manage").click()
    watch.collect(page)

    assert watch.found == []


def test_console_pages_pass_the_policy(
    page: Page, committed_tenants: dict[str, Tenant], site_url: Callable[..., str], axe_checker: AxeChecker
) -> None:
    make_user(None, "root-admin", superuser=True)
    failed = Tenant.objects.create(schema_name="halfway", name="Halfway", state=Tenant.State.FAILED, progress=40)
    watch = ViolationWatch(page.context)
    _log_in(page, site_url(None, "/accounts/login/"), "root-admin")

    for path in (
        "/console/",
        "/console/tenants/",
        f"/console/tenants/{failed.pk}/",  # the provisioning progress bar
        "/console/tenants/new/",
        "/console/settings/",
        "/console/settings/history/",
        "/api/docs/",
    ):
        watch.visit(page, site_url(None, path))
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    watch.collect(page)
    _leave_swagger_ui_to_its_authors(page, axe_checker, site_url(None, "/console/"))
    watch.collect(page)

    assert watch.found == []


def test_the_watch_reports_a_refused_inline_script_and_style(page: Page) -> None:
    watch = ViolationWatch(page.context)
    body = '<!doctype html><html lang="en"><head><title>Check</title><script>window.ran = true</script></head>'
    body += '<body><main><h1 style="color: red">Check</h1></main></body></html>'
    page.route(
        "http://policy-check.localhost/",
        lambda route: route.fulfill(
            status=200,
            body=body,
            headers={"Content-Type": "text/html", "Content-Security-Policy": "script-src 'self'; style-src 'self'"},
        ),
    )

    watch.visit(page, "http://policy-check.localhost/")

    assert not page.evaluate("window.ran === true")
    assert any("script-src" in line for line in watch.found)
    assert any("style-src" in line for line in watch.found)
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Done</title></head><body><main><h1>Done</h1></main></body></html>'
    )
