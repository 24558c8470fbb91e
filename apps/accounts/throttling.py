"""Login throttling (django-axes): the lockout window from the live settings, and the page a locked-out sign-in gets."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

LOCKOUT_TEMPLATE = "registration/locked_out.html"


def lockout_window(request: HttpRequest | None = None) -> timedelta:
    """Return how long a locked-out username or address is refused (the live setting LOGIN_LOCKOUT_SECONDS)."""
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def _in_words(window: timedelta) -> str:
    minutes = max(1, round(window.total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """Render the portal's lockout page (429) for a sign-in refused after too many wrong passwords."""
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "window": _in_words(lockout_window(request))}
    response = render(request, LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(int(lockout_window(request).total_seconds()))
    return response
