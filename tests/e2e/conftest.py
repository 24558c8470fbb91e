"""Browser tests: Playwright driving Debian's Chromium (Playwright cannot download its own browser here)."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.e2e.accessibility import AxeChecker

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def axe_checker(monkeypatch: pytest.MonkeyPatch) -> Iterator[AxeChecker]:
    """Watch every page of every browser context this test opens, however it opens them, with axe-core."""
    new_context, new_page = Browser.new_context, Browser.new_page
    checker = AxeChecker(new_context=new_context)

    def watched_context(browser: Browser, *args: Any, **kwargs: Any) -> BrowserContext:
        # Reduced motion turns Bootstrap's fades off, so axe judges a toast or dialog as it is shown, never
        # half transparent in the middle of a fade (which an htmx swap can start at any moment).
        kwargs.setdefault("reduced_motion", "reduce")
        context = new_context(browser, *args, **kwargs)
        scripts = kwargs.get("java_script_enabled") is not False
        context.on("page", lambda page: checker.watch(page, scripts=scripts))
        return context

    def watched_page(browser: Browser, *args: Any, **kwargs: Any) -> Page:
        kwargs.setdefault("reduced_motion", "reduce")
        page = new_page(browser, *args, **kwargs)
        scripts = kwargs.get("java_script_enabled") is not False
        checker.watch(page, scripts=scripts)
        page.context.on("page", lambda opened: checker.watch(opened, scripts=scripts))
        return page

    monkeypatch.setattr(Browser, "new_context", watched_context)
    monkeypatch.setattr(Browser, "new_page", watched_page)
    yield checker
    checker.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    # After a test body that passed, check the pages as it left them (htmx swaps included) and fail on what
    # axe found anywhere along the way, so no test has to remember to ask.
    result = yield
    checker = getattr(item, "funcargs", {}).get("axe_checker")
    if isinstance(checker, AxeChecker):
        checker.check_open_pages()
        if checker.violations:
            pytest.fail(checker.report(), pytrace=False)
    return result


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwrights_event_loop() -> Iterator[None]:
    # Playwright's sync API runs an event loop in this thread for the whole session; the ORM calls that
    # fixtures make are still synchronous and safe, so Django's async guard must stand aside.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def site_url(live_server: Any) -> Callable[[str | None, str], str]:
    """Return a function building URLs on the live server: site_url("acme", "/") or site_url(None, "/console/")."""
    port = urlsplit(live_server.url).port

    def build(subdomain: str | None, path: str = "/") -> str:
        host = f"{subdomain}.localhost" if subdomain else "localhost"
        return f"http://{host}:{port}{path}"

    return build


@pytest.fixture
def snap(page: Page, output_path: str) -> Callable[[str], Path]:
    """Return a function saving a full-page screenshot into this test's output folder."""
    folder = Path(output_path)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
