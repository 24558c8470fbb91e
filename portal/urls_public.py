"""URLs of the public domain (localhost): the superadmins' console and the site's API; each include names its app."""

from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from apps.core.api import api_not_found
from apps.core.csp import api_docs_view
from apps.core.roles import IsSuperadmin, superadmin_required
from apps.core.views import favicon, healthz, readyz
from apps.tenants.admin import public_admin_site

# Malformed input (a NUL byte, an impossible id) answers the styled 400 page.
handler400 = "apps.core.views.bad_request"

# The public domain's API is its own: described from this urlconf, not the tenants' (settings.ROOT_URLCONF).
API_TITLE = "Portal site API"
API_SETTINGS = {
    "TITLE": API_TITLE,
    "DESCRIPTION": "The site's live settings, for superadmins. Tenants' APIs are described on their own domains.",
}

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("apps.livesettings.api_urls")),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            urlconf="portal.urls_public",
            custom_settings=API_SETTINGS,
            permission_classes=[IsAuthenticated, IsSuperadmin],
        ),
        name="api-schema",
    ),
    path(
        "docs/",
        superadmin_required(api_docs_view(url_name="api-schema", title=API_TITLE)),
        name="api-docs",
    ),
    # Any other path under /api/: a JSON 404, as the APIs answer (not the HTML page).
    re_path(r"^(?P<path>.*)$", api_not_found, name="api-not-found"),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tenants:overview"), name="home"),
    # tenants: /console/ (overview), /console/health/, /console/tenants/… (list, create, detail, lifecycle)
    path("console/", include("apps.tenants.urls")),
    # livesettings: /console/settings/… (values, history, revert), /console/session/… (the expiry widget)
    path("console/", include("apps.livesettings.console_urls")),
    # notifications: /console/mail/ (the development mail sink's messages; 404 without DEBUG and MAIL_SINK_DIR)
    path("console/", include("apps.notifications.console_urls")),
    # livesettings: the REST API /api/livesettings/[<name>/]; the site API's schema and docs: /api/schema/, /api/docs/
    path("api/", include(api_patterns)),
    # Django's auth views: /accounts/login/, logout/, password/
    path("accounts/", include("apps.accounts.auth_urls")),
    # tenants: the Django admin /admin/ of the public schema's models (superadmins, site preferences, shared lists)
    path("admin/", public_admin_site().urls),
    # core: /healthz (liveness, no I/O), /readyz (database and Redis reachable); answered by HealthCheckMiddleware
    # before routing, and here for a signed-in superadmin's detailed /readyz
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", favicon, name="favicon"),
]
