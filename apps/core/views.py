"""Views with no domain: the health endpoint and the styled 400 page."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from apps.core.health import health_report
from apps.core.tenancy import on_public_schema


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Report database, Redis and Celery reachability as JSON; 503 if the database or Redis is down."""
    report = health_report(worker_timeout=0.5)
    essential_ok = all(check.ok for check in report if check.name != "workers")
    # Error texts can name hosts and users: only a superadmin (on the public site) sees them.
    user = getattr(request, "user", None)
    detailed = on_public_schema() and user is not None and user.is_superuser
    services = {c.name: {"ok": c.ok, "detail": c.detail} if detailed else {"ok": c.ok} for c in report}
    body = {"ok": essential_ok, "services": services}
    return JsonResponse(body, status=200 if essential_ok else 503)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Render the 400 page with the request, so it keeps the layout and navigation (Django's does not)."""
    return render(request, "400.html", status=400)
