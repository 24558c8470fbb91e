"""Run axe-core (bundled by axe-playwright-python, no CDN) on every page a browser test visits.

A checker is attached to each page: it runs axe after every full load, and once more on the final state of the
page when the test body ends (that state includes the htmx swaps the test made). Serious and critical
violations are collected and reported by rule, page and element; the test fails when there are any.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Error, Page

FAILING_IMPACTS = frozenset({"serious", "critical"})

_axe = Axe()
_OPEN_DIALOG = ".modal.show, .modal[data-open-on-load]"
_DIALOG_OPEN = f"() => document.querySelector('{_OPEN_DIALOG}') !== null"
_HAS_CONTENT = "() => Boolean(document.body && document.body.children.length)"
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)

# Colours are judged as they settle: a toast fading in is half transparent for 150 ms, which is no violation.
# Endless animations (a striped progress bar) are not waited for.
_SETTLE = """() => Promise.race([
  Promise.all(document.getAnimations()
    .filter((a) => a.effect && Number.isFinite(a.effect.getComputedTiming().endTime))
    .map((a) => a.finished.catch(() => null))),
  new Promise((resolve) => setTimeout(resolve, 2000)),
])"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    url: str
    elements: tuple[str, ...]

    def describe(self) -> str:
        targets = "\n      ".join(self.elements)
        return f"{self.impact} {self.rule} ({self.help}) on {self.url}:\n      {targets}"


@dataclass
class AxeChecker:
    """Collect serious and critical violations from the pages it watches.

    axe-core is JavaScript: in a context without JavaScript it cannot run (its promise never settles), so such
    a page is checked through a mirror: its HTML as served, with the <noscript> parts in and the scripts out,
    shown in a page of a scripted context opened with `new_context`.
    """

    new_context: Callable[[Browser], BrowserContext]
    violations: list[Violation] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    _scriptless: list[Page] = field(default_factory=list)
    _mirror: Page | None = None
    _running: set[Page] = field(default_factory=set)
    _seen: set[tuple[str, str, tuple[str, ...]]] = field(default_factory=set)

    def watch(self, page: Page, *, scripts: bool = True) -> None:
        """Check `page` after each load from now on, and when the test ends."""
        if page in self.pages:
            return
        self.pages.append(page)
        if not scripts:
            self._scriptless.append(page)
        page.on("load", lambda loaded: self.check(loaded))

    def check(self, page: Page) -> None:
        """Run axe on what `page` shows now and keep what fails."""
        if page.is_closed() or (page.url == "about:blank" and not page.evaluate(_HAS_CONTENT)):
            return  # a page the test opened but never used
        # A load handler's check and the test's own may overlap (the handler runs whenever the test waits on
        # the browser); axe refuses a second run on a page, so the later one waits for the first. Nothing
        # between the wait and marking the page may wait on the browser, or the other could slip in.
        try:
            while page in self._running and not page.is_closed():
                page.wait_for_timeout(20)
        except Error:
            return  # closed while waiting
        if page.is_closed():
            return
        url = page.url
        self._running.add(page)
        try:
            target = self._mirrored(page) if page in self._scriptless else page
            target.evaluate(_SETTLE)
            # While a modal dialog is open only the dialog can be used; the page behind it, dimmed by the
            # backdrop, was checked when it loaded.
            dialog_open = target.evaluate(_DIALOG_OPEN)
            results = _axe.run(target, context={"include": [[_OPEN_DIALOG]]} if dialog_open else None)
        except Error:
            # The test moved on (a click navigated while axe ran, or it closed the page): a next page is
            # checked on its own load.
            return
        finally:
            self._running.discard(page)
        for violation in _failing(results.response, url):
            key = (violation.rule, violation.url, violation.elements)
            if key not in self._seen:
                self._seen.add(key)
                self.violations.append(violation)

    def check_open_pages(self) -> None:
        """Check every watched page that is still open, as the test left it."""
        for page in self.pages:
            self.check(page)

    def close(self) -> None:
        """Close the mirror's context, if one was opened."""
        if self._mirror is not None:
            self._mirror.context.close()
            self._mirror = None

    def _mirrored(self, page: Page) -> Page:
        browser = page.context.browser
        if self._mirror is None and browser is not None:
            self._mirror = self.new_context(browser).new_page()
        if self._mirror is None:
            raise Error("no browser to mirror a page without JavaScript in")
        html = _SCRIPT.sub("", page.content()).replace("<noscript>", "").replace("</noscript>", "")
        html = _HEAD.sub(lambda head: f'{head.group(0)}<base href="{escape(page.url)}">', html, count=1)
        self._mirror.set_content(html, wait_until="load")
        return self._mirror

    def report(self) -> str:
        lines = [f"axe-core found {len(self.violations)} serious or critical violation(s):"]
        lines += [f"  - {violation.describe()}" for violation in self.violations]
        return "\n".join(lines)


def _failing(response: dict[str, Any], url: str) -> Iterator[Violation]:
    for item in response.get("violations", []):
        if item.get("impact") not in FAILING_IMPACTS:
            continue
        elements = tuple(" ".join(map(str, node["target"])) + "  " + node["html"][:160] for node in item["nodes"])
        yield Violation(item["id"], item["impact"], item["help"], url, elements)
