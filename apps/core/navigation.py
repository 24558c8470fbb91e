"""A registry of the portal's pages: each app adds its own in AppConfig.ready().

A page has one name, used by the menu link, the breadcrumbs and the page title alike. Menu pages
(`nav_register`) sit under their site's start page; other pages (`page_register`) name the page they sit under.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


class Audience(StrEnum):
    MEMBER = "member"  # every signed-in user of a tenant (owners too)
    OWNER = "owner"  # the tenant's owners
    SUPERADMIN = "superadmin"  # superadmins on the public domain


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    audience: Audience
    order: int = 100


@dataclass(frozen=True)
class PageItem:
    """A page outside the menu. `label` names it in breadcrumbs unless its template gives the real one
    (a task's title, say); `parent` is the URL name of the page it sits under, None for the site's start page."""

    label: str
    url_name: str
    parent: str | None = None


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


_registry: dict[str, NavItem] = {}
_pages: dict[str, PageItem] = {}


def nav_register(item: NavItem) -> None:
    """Add a link to the top navigation (idempotent by URL name)."""
    _registry[item.url_name] = item


def page_register(item: PageItem) -> None:
    """Add a page outside the menu, so it gets breadcrumbs (idempotent by URL name)."""
    _pages[item.url_name] = item


def page_label(url_name: str) -> str | None:
    """Return the one name of the page routed as `url_name`, or None for a page nobody registered."""
    item = _registry.get(url_name) or _pages.get(url_name)
    return item.label if item else None


# Argument-less routes by (urlconf, script prefix, URL name), None where this urlconf does not route the
# name: URLs do not change at runtime, so each site kind (tenant or public urlconf) reverses them once per
# process instead of once per link per request.
_reversed: dict[tuple[Any, str, str], str | None] = {}


@receiver(setting_changed)
def _reversed_clear(*, setting: str, **kwargs: Any) -> None:
    # Tests swap urlconfs and prefixes; reverse()'s own caches are cleared on the same signal.
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _reversed.clear()


def reverse_fixed(url_name: str) -> str:
    """Return reverse(url_name) for a route without arguments, reversed once per urlconf and process.

    Raise NoReverseMatch where the current urlconf does not route it, as reverse() does.
    """
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), url_name)
    try:
        url = _reversed[key]
    except KeyError:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            url = None
        _reversed[key] = url
    if url is None:
        raise NoReverseMatch(f"{url_name!r} is not routed by this site's urlconf")
    return url


def _site_root(*, on_tenant_site: bool) -> NavItem | None:
    # The start page of a site is the first menu link of its widest audience: the dashboard, the console.
    audience = Audience.MEMBER if on_tenant_site else Audience.SUPERADMIN
    candidates = [item for item in _registry.values() if item.audience == audience]
    return min(candidates, key=lambda i: (i.order, i.label), default=None)


def _reverse_within(url_name: str, kwargs: Mapping[str, Any]) -> str | None:
    # A parent's URL takes a part of the child's arguments (a list's key, not the value's pk): try the
    # largest part first. URLs here take at most a few arguments, so the subsets are few.
    names = list(kwargs)
    for size in range(len(names), -1, -1):
        for chosen in combinations(names, size):
            try:
                return reverse(url_name, kwargs={name: kwargs[name] for name in chosen})
            except NoReverseMatch:
                continue
    return None


def breadcrumb_trail(
    url_name: str, kwargs: Mapping[str, Any], *, on_tenant_site: bool, labels: tuple[str, ...] = ()
) -> list[Crumb]:
    """Return the crumbs from the site's start page down to the page routed as `url_name`.

    `labels` name the current page and then its ancestors, nearest first, where a name depends on the
    data (a task's title); an empty or missing one falls back to the registered name. A page nobody
    registered, or a site's start page, has no trail (an empty list).
    """
    root = _site_root(on_tenant_site=on_tenant_site)
    if root is None or url_name == root.url_name or page_label(url_name) is None:
        return []
    chain: list[str] = []
    current: str | None = url_name
    while current and current != root.url_name and current not in chain:
        chain.append(current)
        current = _pages[current].parent if current in _pages else None
    crumbs = []
    for depth, name in enumerate(chain):
        label = labels[depth] if depth < len(labels) and labels[depth] else page_label(name) or name
        url = _reverse_within(name, kwargs)
        if url is None:
            return []  # a parent this site does not route: better no trail than a wrong one
        crumbs.append(Crumb(str(label), url))
    crumbs.append(Crumb(root.label, reverse_fixed(root.url_name)))
    return crumbs[::-1]


def _links(audiences: set[Audience]) -> list[tuple[str, str]]:
    links = []
    for item in sorted(_registry.values(), key=lambda i: (i.order, i.label)):
        if item.audience not in audiences:
            continue
        try:
            links.append((item.label, reverse_fixed(item.url_name)))
        except NoReverseMatch:
            continue  # not routed on this site (a tenant link on the public domain, say)
    return links


def nav_links(*, is_superadmin: bool, is_owner: bool, on_tenant_site: bool) -> list[tuple[str, str]]:
    """Return the top-level (label, url) links the visitor may use, in order."""
    audiences = {Audience.SUPERADMIN} if is_superadmin else set()
    if on_tenant_site:
        audiences.add(Audience.MEMBER)
    return _links(audiences)


def nav_owner_links(*, is_superadmin: bool, is_owner: bool, on_tenant_site: bool) -> list[tuple[str, str]]:
    """Return the owners' links, shown together in one "Manage" menu so the bar stays one line."""
    return _links({Audience.OWNER}) if on_tenant_site and is_owner else []


@dataclass(frozen=True)
class Widget:
    """A template an app contributes to a shared page region (its context is the page's)."""

    template_name: str
    audience: Audience
    order: int = 100


# Slots: "navbar" (beside the user menu) and "dashboard" (cards on a tenant's start page).
_widgets: dict[str, dict[str, Widget]] = {"navbar": {}, "dashboard": {}}


def widget_register(slot: str, widget: Widget) -> None:
    """Add a template to a slot of the shared layout (idempotent by template name)."""
    _widgets[slot][widget.template_name] = widget


def widgets_for(slot: str, *, is_superadmin: bool, is_owner: bool, on_tenant_site: bool) -> list[str]:
    """Return the template names of a slot that the visitor may see, in order."""
    allowed = {Audience.SUPERADMIN} if is_superadmin else set()
    if on_tenant_site:
        allowed |= {Audience.MEMBER, Audience.OWNER} if is_owner else {Audience.MEMBER}
    chosen = sorted((w for w in _widgets[slot].values() if w.audience in allowed), key=lambda w: w.order)
    return [w.template_name for w in chosen]
