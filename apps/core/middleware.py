"""Request and response plumbing: answer health checks first, refuse NUL bytes in parameters, show messages after
htmx swaps, keep signed-in answers out of caches."""

from collections.abc import Callable

from django.contrib.messages import get_messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

from apps.core.inputs import shorten


class HealthCheckMiddleware:
    """Answer `/healthz` and `/readyz` before any other middleware, whatever the host name.

    A load balancer probes by address, without cookies: routing by host (a tenant lookup), sessions and the
    preference snapshots would each add I/O, and an unknown host would answer 404. `/healthz` therefore does
    no I/O at all. `/readyz` with a cookie goes through the whole stack instead, so a signed-in superadmin
    gets the detailed report from the same view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from apps.core.views import healthz, readyz

        if request.path_info == "/healthz":
            return healthz(request)
        if request.path_info == "/readyz" and not request.COOKIES:
            return readyz(request)
        return self.get_response(request)


class HtmxMessagesMiddleware:
    """Append pending messages to htmx HTML responses as an out-of-band swap into the toast area."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.htmx or response.streaming:  # type: ignore[attr-defined]  # HtmxMiddleware runs first
            return response
        # A redirect (plain, HX-Redirect or a refresh) leaves the messages for the page it leads to.
        if response.status_code in (301, 302) or any(
            h in response for h in ("HX-Redirect", "HX-Location", "HX-Refresh")
        ):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        messages = list(get_messages(request))
        if messages:
            response.content += render_to_string("_messages.html#toasts-oob", {"messages": messages}).encode()
            if response.has_header("Content-Length"):
                # CommonMiddleware, inside this one, has already counted the body without the toasts.
                response["Content-Length"] = str(len(response.content))
        return response


class RejectNulBytesMiddleware:
    """Answer 400 for a request whose query or form parameters contain a NUL byte.

    PostgreSQL cannot store or even compare text holding NUL, so such a value would fail deep in whichever view
    uses it. One check here covers every page and API instead of one in each view. JSON bodies are not form
    parameters and are left to their parsers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for params in (request.GET, request.POST):
            for key, values in params.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    raise BadRequest(f"NUL byte in the parameter {shorten(key, limit=40)!r}")
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Mark every answer to a signed-in request `Cache-Control: private, no-store`.

    A signed-in page or API answer names a person and their tenant's data: neither a shared proxy nor the browser's
    history cache may keep it (the back button after signing out would show it). The check runs on the way out,
    so an API request authenticated by DRF inside the view (a token) counts too: DRF sets the user it found on
    the HttpRequest as well. Anonymous answers (the login page, static files) keep their own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
