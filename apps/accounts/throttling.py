"""Login throttling (django-axes): the lockout window (a live setting), the lockout page, who is locked, unlock."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

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


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Return which of `usernames` are locked out in the current schema (too many failures within the window)."""
    since = timezone.now() - lockout_window()
    failures = (
        AccessAttempt.objects.filter(username__in=list(usernames), attempt_time__gte=since)
        .values("username")
        .annotate(total=Sum("failures_since_start"))
    )
    return {row["username"] for row in failures if row["total"] >= settings.AXES_FAILURE_LIMIT}


def login_unlock(*, username: str) -> int:
    """Forget the failed sign-ins of `username` in the current schema, so they may sign in again; return how many."""
    return int(axes_reset(username=username))
