"""URLs of every tenant's domain (acme.localhost). Each include says which app serves what."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from apps.accounts import views as account_views
from apps.core.api import api_not_found
from apps.core.csp import api_docs_view
from apps.core.views import favicon, healthz, readyz
from apps.preferences import dynamic_urls

# Malformed input (a NUL byte, an impossible id) answers the styled 400 page.
handler400 = "apps.core.views.bad_request"

# Everything under /api/.
api_patterns: list[URLPattern | URLResolver] = [
    # preferences: /api/preferences/global/…, /api/preferences/user/…
    path("", include("apps.preferences.api_urls")),
    # notifications: /api/notifications/preferences/
    path("", include("apps.notifications.api_urls")),
    # lov: /api/lists/…
    path("", include("apps.lov.api_urls")),
    # projects: none yet (its module is ready for them)
    path("", include("apps.projects.api_urls")),
    # livesettings: /api/livesettings/overrides/[<name>/] (the tenant's own values, owners)
    path("", include("apps.livesettings.api_urls_tenant")),
    # bundles: /api/bundle/ (export, dry run, import), /api/bundle/schema/ (owners)
    path("", include("apps.bundles.api_urls")),
    # people: /api/people/, /api/groups/, /api/invitations/ (owners)
    path("", include("apps.people.api_urls")),
    # drf-spectacular: /api/schema/, /api/docs/
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Signed-in people only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); the docs page sends others to log in.
    path("docs/", login_required(api_docs_view(url_name="api-schema")), name="api-docs"),
    # Any other path under /api/: a JSON 404, as the APIs answer (not the HTML page).
    re_path(r"^(?P<path>.*)$", api_not_found, name="api-not-found"),
]

urlpatterns = [
    # accounts: / (the dashboard), /owner/ (the tenant's people), /owner/people/<id>/unlock/ (after a lockout)
    path("", account_views.home, name="home"),
    path("owner/", account_views.owner_overview, name="owner-overview"),
    path("owner/people/<int:pk>/unlock/", account_views.owner_login_unlock, name="owner-login-unlock"),
    # preferences: /preferences/… (my preferences), /owner/preferences/…, /owner/history/…
    path("", include("apps.preferences.urls")),
    # preferences, the documented names: dynamic_preferences:global[.section], …:user[.section] (and dotted)
    path("", include("apps.preferences.dynamic_urls")),
    path("", include(dynamic_urls.dotted_urlpatterns)),
    # notifications: /preferences/notifications/…, /inbox/…, /notifications/unsubscribe/…, /owner/notifications/…
    path("", include("apps.notifications.urls")),
    # lov: /owner/lists/…
    path("", include("apps.lov.urls")),
    # projects: /projects/…, /profile/
    path("", include("apps.projects.urls")),
    # livesettings: /owner/settings/… (the tenant's overrides), /session/… (the expiry widget)
    path("", include("apps.livesettings.urls")),
    # bundles: /owner/bundle/… (download, upload, diff, apply)
    path("", include("apps.bundles.urls")),
    # people: /owner/people/…, /owner/groups/…, /invitations/… (accepting one)
    path("", include("apps.people.urls")),
    path("api/", include(api_patterns)),
    # Django's auth views: /accounts/login/, logout/, password/
    path("accounts/", include("apps.accounts.auth_urls")),
    # Django admin: /admin/ (the tenant's users, groups, preferences)
    path("admin/", admin.site.urls),
    # core: /healthz (liveness, no I/O), /readyz (database and Redis reachable); answered by HealthCheckMiddleware
    # before routing, and here for a signed-in superadmin's detailed /readyz
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", favicon, name="favicon"),
]
