"""Per-request middleware of the preferences engine: pinned snapshots, and the user's time zone."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from apps.core.tenancy import on_public_schema
from apps.preferences.cache import snapshots_pinned

TIME_ZONE_KEY = "locale__time_zone"


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
