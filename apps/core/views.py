"""Views with no domain: the health endpoints, the favicon browsers ask for at the root, the styled 400 page."""

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from apps.core.health import is_ready, readiness_report
from apps.core.roles import is_superadmin


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer that the process is alive: no database, cache or broker call (liveness)."""
    return JsonResponse({"ok": True})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Report database and Redis reachability, and the workers' heartbeat, as JSON; 503 if either store is down."""
    report = readiness_report()
    ready = is_ready(report)
    # Error texts can name hosts and users: only a superadmin (on the public site) sees them.
    detailed = is_superadmin(getattr(request, "user", None))
    services = {c.name: {"ok": c.ok, "detail": c.detail} if detailed else {"ok": c.ok} for c in report}
    return JsonResponse({"ok": ready, "services": services}, status=200 if ready else 503)


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Send /favicon.ico, which browsers fetch whatever the page links, to the site's SVG icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Render the 400 page with the request, so it keeps the layout and navigation (Django's does not)."""
    return render(request, "400.html", status=400)
