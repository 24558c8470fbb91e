"""`{% breadcrumbs %}`: the trail of the current page, from the page registry in apps.core.navigation."""

from typing import Any

from django import template

from apps.core.navigation import breadcrumb_trail, page_label

register = template.Library()


@register.inclusion_tag("_breadcrumbs.html", takes_context=True)
def breadcrumbs(context: template.Context, *labels: Any) -> dict[str, Any]:
    """Render the current page's breadcrumbs; `labels` name it (and its parents) where the name is data."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"crumbs": []}
    on_tenant_site = not context.get("portal_is_public_site", True)
    texts = tuple("" if label is None else str(label) for label in labels)
    return {"crumbs": breadcrumb_trail(match.view_name, match.kwargs, on_tenant_site=on_tenant_site, labels=texts)}


@register.simple_tag(takes_context=True)
def page_title(context: template.Context) -> str:
    """Return the registered name of the current page (the menu's link text), or "" for an unregistered one."""
    match = getattr(context.get("request"), "resolver_match", None)
    return (page_label(match.view_name) or "") if match else ""
