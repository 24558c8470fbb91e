"""Template helpers: the unread count for the navbar and readable sources of effective values."""

from typing import Any

from django import template

from apps.notifications.links import unsubscribe_all_url
from apps.notifications.selectors import inbox_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread(context: dict[str, Any]) -> int:
    """Return the signed-in user's unread in-app messages (0 for anonymous visitors)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    # Counted once per request: the navbar badge and the dashboard card both show it.
    count = getattr(request, "_inbox_unread_count", None)
    if count is None:
        count = inbox_unread_count(user)
        request._inbox_unread_count = count  # type: ignore[union-attr]
    return int(count)


@register.simple_tag
def unsubscribe_all_link(user: Any) -> str:
    """Return the one-click "unsubscribe from all email" URL of `user` (for the footer of optional emails)."""
    return unsubscribe_all_url(user_id=user.pk)


@register.filter
def source_label(source: str) -> str:
    """Return where a value comes from in words: own, from group Sales, tenant default, default, locked."""
    if source.startswith("group:"):
        return f"from group {source.removeprefix('group:')}"
    return {
        "user": "own",
        "tenant": "tenant default",
        "default": "default",
        "mandatory": "locked",
        "no-permission": "no permission",
    }.get(source, source)
