"""URLs of the public domain (localhost): the superadmins' console. Each include says which app serves what."""

from django.urls import include, path
from django.views.generic import RedirectView

from apps.core.views import healthz
from apps.tenants.admin import public_admin_site

# Malformed input (a NUL byte, an impossible id) answers the styled 400 page.
handler400 = "apps.core.views.bad_request"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tenants:overview"), name="home"),
    # tenants: /console/ (overview), /console/health/, /console/tenants/… (list, create, detail, lifecycle)
    path("console/", include("apps.tenants.urls")),
    # livesettings: /console/settings/… (values, history, revert), /console/session/… (the expiry widget)
    path("console/", include("apps.livesettings.console_urls")),
    # livesettings: the REST API /api/livesettings/[<name>/]
    path("api/", include("apps.livesettings.api_urls")),
    # Django's auth views: /accounts/login/, logout/, password/
    path("accounts/", include("apps.accounts.auth_urls")),
    # tenants: the Django admin /admin/ of the public schema's models (superadmins, site preferences, shared lists)
    path("admin/", public_admin_site().urls),
    # core: /healthz
    path("healthz", healthz, name="healthz"),
]
