"""Apply the live settings Django does not re-read itself: maintenance mode and session expiry.

Both run after `apps.preferences.middleware.PreferencesMiddleware`, so every value they read comes from
the snapshots pinned for this request.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django_htmx.http import HttpResponseClientRedirect

from apps.core.tenancy import on_public_schema
from apps.livesettings import sessions

# Paths that must answer during maintenance: load balancers and monitors probe these.
HEALTH_PATHS = ("/healthz",)
# Polled by the expiry warning (on tenant domains and under /console/): reading it is not activity.
STATUS_PATH_SUFFIX = "/session/status/"


class MaintenanceModeMiddleware:
    """While MAINTENANCE_MODE is on, answer 503 on tenant domains; the public console and /healthz keep working."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.MAINTENANCE_MODE and not on_public_schema() and request.path not in HEALTH_PATHS:
            return maintenance_response(request)
        return self.get_response(request)


def maintenance_response(request: HttpRequest) -> HttpResponse:
    """Return the 503 answer: the maintenance message, as JSON for the API, with Retry-After."""
    message = str(settings.MAINTENANCE_MESSAGE)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        html = render_to_string("livesettings/maintenance.html", {"message": message}, request=request)
        response = HttpResponse(html, status=503)
        if request.htmx:  # type: ignore[attr-defined]  # set by HtmxMiddleware, which runs first
            response["HX-Refresh"] = "true"  # htmx does not swap a 503: reload to show the page.
    response["Retry-After"] = str(int(settings.MAINTENANCE_RETRY_AFTER_SECONDS))
    response["Cache-Control"] = "no-store"
    return response


class SessionExpiryMiddleware:
    """Log out a signed-in session that has expired; leave anonymous sessions alone.

    The session is flushed and the person sent to SESSION_TIMEOUT_REDIRECT (a live setting, by default the login
    page) with a message and a `next` back to where they were (a full URL when it is another site); htmx requests
    get HX-Redirect so the login page never lands inside a fragment.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        at = sessions.now()
        status = sessions.session_check(
            request.session,
            policy=sessions.ExpiryPolicy.current(),
            at=at,
            record_activity=not _is_status_poll(request),
        )
        if status.expired:
            return expired_response(request)
        request.livesettings_session = status  # type: ignore[attr-defined]  # read by the expiry warning
        request.livesettings_now = at  # type: ignore[attr-defined]
        return self.get_response(request)


def _is_status_poll(request: HttpRequest) -> bool:
    # URLs are resolved after middleware runs, so the path tells.
    return request.path.endswith(STATUS_PATH_SUFFIX)


def expired_response(request: HttpRequest) -> HttpResponse:
    """Flush the session and send the person to log in again, with a message and a way back."""
    next_path = request.get_full_path()
    htmx = request.htmx  # type: ignore[attr-defined]  # set by HtmxMiddleware, which runs first
    if htmx and htmx.current_url_abs_path:
        next_path = htmx.current_url_abs_path  # The page they were on, not the fragment it asked for.
    logout(request)  # Flushes the session (a new key, no data) and sends user_logged_out.
    messages.warning(request, "Your session has expired. Please log in again.")
    target = resolve_url(str(settings.SESSION_TIMEOUT_REDIRECT))
    if urlsplit(target).netloc:
        next_path = request.build_absolute_uri(next_path)  # Another site can only send them back by full URL.
    login = redirect_to_login(next_path, login_url=target)
    response: HttpResponse = HttpResponseClientRedirect(login.url) if htmx else login
    response["Cache-Control"] = "no-store"
    return response
