"""Run axe-core (bundled by axe-playwright-python, no CDN) on every page a browser test visits.

A checker is attached to each page: it runs axe after every full load, and once more on the final state of the
page when the test body ends (that state includes the htmx swaps the test made). Serious and critical
violations are collected and reported by rule, page and element; the test fails when there are any.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error, Page

FAILING_IMPACTS = frozenset({"serious", "critical"})

_axe = Axe()

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
    """Collect serious and critical violations from the pages it watches."""

    violations: list[Violation] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    _seen: set[tuple[str, str, tuple[str, ...]]] = field(default_factory=set)

    def watch(self, page: Page) -> None:
        """Check `page` after each load from now on, and when the test ends."""
        if page in self.pages:
            return
        self.pages.append(page)
        page.on("load", lambda loaded: self.check(loaded))

    def check(self, page: Page) -> None:
        """Run axe on what `page` shows now and keep what fails."""
        if page.is_closed():
            return
        try:
            page.evaluate(_SETTLE)
            results = _axe.run(page)
        except Error:
            # The test moved on (a click navigated while axe ran): that next page is checked on its own load.
            return
        for violation in _failing(results.response):
            key = (violation.rule, violation.url, violation.elements)
            if key not in self._seen:
                self._seen.add(key)
                self.violations.append(violation)

    def check_open_pages(self) -> None:
        """Check every watched page that is still open, as the test left it."""
        for page in self.pages:
            self.check(page)

    def report(self) -> str:
        lines = [f"axe-core found {len(self.violations)} serious or critical violation(s):"]
        lines += [f"  - {violation.describe()}" for violation in self.violations]
        return "\n".join(lines)


def _failing(response: dict[str, Any]) -> Iterator[Violation]:
    for item in response.get("violations", []):
        if item.get("impact") not in FAILING_IMPACTS:
            continue
        elements = tuple(" ".join(map(str, node["target"])) + "  " + node["html"][:160] for node in item["nodes"])
        yield Violation(item["id"], item["impact"], item["help"], response.get("url", ""), elements)
