"""Per-request middleware of the preferences engine: pinned snapshots, the user's time zone and display.

`UserDisplayMiddleware` reads the signed-in user's display preferences once per request (from the user's values
the time zone already loaded: no extra query) into request attributes the base template and
`apps.core.pagination` read: `request.theme` ("light", "dark" or "auto"), `request.compact_tables` (bool) and
`request.page_size` (int, or None for the site's default).
"""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from apps.core.tenancy import on_public_schema
from apps.preferences.cache import snapshots_pinned

TIME_ZONE_KEY = "locale__time_zone"
THEME_KEY = "appearance__theme"
PAGE_SIZE_KEY = "appearance__items_per_page"
COMPACT_TABLES_KEY = "appearance__compact_tables"
THEMES = ("light", "dark", "auto")


class PreferencesMiddleware:
    """Verify the site's and the tenant's preference versions once, and serve the request from them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with snapshots_pinned():
            return self.get_response(request)


class UserTimezoneMiddleware:
    """Show dates and times in the signed-in user's time zone (their `locale__time_zone` preference)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone = None
        # Users' preferences live in tenant schemas; superadmins on the public site keep the default zone.
        if not on_public_schema() and user is not None and user.is_authenticated:
            zone = user.preferences.get(TIME_ZONE_KEY)
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserDisplayMiddleware:
    """Put the signed-in user's theme, table density and page size on the request (defaults for others)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        theme, compact, page_size = "auto", False, None
        user = getattr(request, "user", None)
        if not on_public_schema() and user is not None and user.is_authenticated:
            preferences = user.preferences
            theme = preferences.get(THEME_KEY) or "auto"
            compact = bool(preferences.get(COMPACT_TABLES_KEY))
            page_size = preferences.get(PAGE_SIZE_KEY)
        request.theme = theme if theme in THEMES else "auto"  # type: ignore[attr-defined]
        request.compact_tables = compact  # type: ignore[attr-defined]
        request.page_size = page_size  # type: ignore[attr-defined]
        return self.get_response(request)
