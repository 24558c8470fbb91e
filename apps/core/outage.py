"""A database outage answers 503 with the styled page and Retry-After, never a 500 or a hung worker.

When PostgreSQL is down every request fails at its first query, which is django-tenants' domain lookup in
the outermost middleware; later it could fail anywhere (a view, the session saved on the way out). Django
turns each such exception into a 500 response in the layer where it was raised, so no middleware can catch
it there. Instead a `got_request_exception` receiver marks the request when the exception is a database
connection error, and `DatabaseOutageMiddleware`, outside TenantMiddleware, swaps whatever answer came back
for the 503. That answer renders without the request (no context processor, so no query) and the next
request simply connects again: Django drops a broken connection at the end of the request, and production's
persistent connections are health-checked before reuse (`CONN_HEALTH_CHECKS`).
"""

import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

# How long a client is asked to wait; an outage that a restart of PostgreSQL ends takes about that long.
RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)
_MARK = "_database_unavailable"


def mark_database_errors(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Mark `request` when the exception Django is about to answer is a database connection error."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        setattr(request, _MARK, True)


def outage_response(request: HttpRequest) -> HttpResponse:
    """Return the 503 answer: JSON for the API, else the styled page; both with Retry-After.

    /healthz never gets here: `HealthCheckMiddleware` answers it first, without touching the database.
    """
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": "The database is unavailable; try again later."}, status=503)
    else:
        # No request: context processors would read the session, the user and preferences from the database.
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
        if request.headers.get("HX-Request") == "true":
            response["HX-Refresh"] = "true"  # htmx swaps no 503: reload, so the page itself says what happened
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Answer 503 (see `outage_response`) for any request that failed because the database is unreachable.

    Must come before `apps.tenants.middleware.TenantMiddleware`, whose domain lookup is the first query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        got_request_exception.connect(mark_database_errors, dispatch_uid="apps.core.outage")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _MARK, False):
            return outage_response(request)
        return response
