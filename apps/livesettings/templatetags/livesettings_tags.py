"""`{% session_expiry as expiry %}`: what the expiry warning needs to know about the current session."""

import datetime
from typing import Any

from django import template

from apps.livesettings.selectors import humanize_seconds

register = template.Library()


@register.simple_tag(takes_context=True)
def session_expiry(context: dict[str, Any]) -> dict[str, Any] | None:
    """Return when the session ends and whether to warn now; None when no expiry applies to this request."""
    request = context.get("request")
    status = getattr(request, "livesettings_session", None)
    at = getattr(request, "livesettings_now", None)
    if status is None or at is None or status.policy.warning <= 0:
        return None
    seconds_left = status.seconds_left(at)
    return {
        "warn": at >= status.warn_at,
        "seconds_left": seconds_left,
        "left_display": humanize_seconds(seconds_left),
        # Ask again one second after the warning should appear (htmx's `load delay:`).
        "check_in": max(1, int(status.warn_at - at) + 1),
        "expires_at": datetime.datetime.fromtimestamp(status.expires_at, tz=datetime.UTC),
    }
