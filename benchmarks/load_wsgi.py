"""The site's WSGI application for the benchmarks, plus two bare pages: the floors ratios are taken to.

`/__bare__` is answered before Django (no middleware, so no domain lookup, no session, no Redis), so it
measures only gunicorn, the network and wrk. `/__bare_django__` is a Django view returning a fixed text
through Django's own handler with no middleware (URL resolving, request and response objects, signals).
`/__bare_site__` is the same view behind the site's whole middleware stack (tenant routing, sessions, the
preference snapshots, …): benchmarks/pages.py takes its targets against it, so they measure what a page
costs beyond the site's per-request plumbing. Every other path is the site, unchanged.
Never used outside the benchmarks.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.test.utils import override_settings
from django.urls import ResolverMatch, path
from django.urls.resolvers import URLResolver, get_resolver

BARE_PATH = "/__bare__"
BARE_DJANGO_PATH = "/__bare_django__"
BARE_SITE_PATH = "/__bare_site__"


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_DJANGO_PATH.strip("/"), bare_view), path(BARE_SITE_PATH.strip("/"), bare_view)]


class _SiteHandler(WSGIHandler):
    """The site's handler, unchanged except that BARE_SITE_PATH resolves to the bare view."""

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        if request.path_info != BARE_SITE_PATH:
            return super().resolve_request(request)
        match = get_resolver(__name__).resolve(request.path_info)
        request.resolver_match = match
        return match


class _BareDjangoHandler(WSGIHandler):
    """Django's WSGI handler with no middleware, resolving URLs from this module only."""

    def load_middleware(self, is_async: bool = False) -> None:
        with override_settings(MIDDLEWARE=[]):
            super().load_middleware(is_async)

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        resolver: URLResolver = get_resolver(__name__)
        match = resolver.resolve(request.path_info)
        request.resolver_match = match
        return match


get_wsgi_application()  # django.setup(), as the site's WSGI module does
_site = _SiteHandler()
_bare_django = _BareDjangoHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer BARE_PATH with a fixed 200; hand everything else to the site."""
    if environ.get("PATH_INFO") == BARE_PATH:
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    if environ.get("PATH_INFO") == BARE_DJANGO_PATH:
        return _bare_django(environ, start_response)
    return _site(environ, start_response)
