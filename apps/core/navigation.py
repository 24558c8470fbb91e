"""A registry of navigation links: each app adds its own in AppConfig.ready(), for the audience that may use them."""

from dataclasses import dataclass
from enum import StrEnum

from django.urls import NoReverseMatch, reverse


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


_registry: dict[str, NavItem] = {}


def nav_register(item: NavItem) -> None:
    """Add a link to the top navigation (idempotent by URL name)."""
    _registry[item.url_name] = item


def _links(audiences: set[Audience]) -> list[tuple[str, str]]:
    links = []
    for item in sorted(_registry.values(), key=lambda i: (i.order, i.label)):
        if item.audience not in audiences:
            continue
        try:
            links.append((item.label, reverse(item.url_name)))
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
