"""Pin the preference snapshots for the duration of a request (one Redis round trip, no SQL when current)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from apps.preferences.cache import snapshots_pinned


class PreferencesMiddleware:
    """Verify the site's and the tenant's preference versions once, and serve the request from them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with snapshots_pinned():
            return self.get_response(request)
