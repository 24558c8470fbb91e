from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.preferences.middleware import UserTimezoneMiddleware


def zone_seen_by_view(request) -> list[str]:
    seen: list[str] = []

    def view(request):
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse()

    UserTimezoneMiddleware(view)(request)
    return seen


def test_the_users_time_zone_is_active_during_their_request_only(acme, acme_owner, rf):
    with schema_context("acme"):
        acme_owner.preferences["locale__time_zone"] = "Asia/Tokyo"
        request = rf.get("/")
        request.user = acme_owner

        seen = zone_seen_by_view(request)

    assert seen == ["Asia/Tokyo"]
    assert timezone.get_current_timezone_name() == "UTC"


def test_anonymous_visitors_and_the_public_site_keep_the_default_zone(acme, superadmin, rf):
    anonymous = rf.get("/")
    anonymous.user = AnonymousUser()
    public = rf.get("/")
    public.user = superadmin  # public schema: users there have no preferences table

    with schema_context("acme"):
        assert zone_seen_by_view(anonymous) == ["UTC"]
    assert zone_seen_by_view(public) == ["UTC"]
