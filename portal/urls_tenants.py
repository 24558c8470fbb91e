"""URLs of every tenant's domain (acme.localhost)."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.accounts import views as account_views
from apps.core.views import favicon, healthz

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("apps.preferences.api_urls")),
    path("", include("apps.notifications.api_urls")),
    path("", include("apps.lov.api_urls")),
    path("", include("apps.projects.api_urls")),
    path("", include("apps.livesettings.api_urls_tenant")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("owner/", account_views.owner_overview, name="owner-overview"),
    path("", include("apps.preferences.urls")),
    path("", include("apps.notifications.urls")),
    path("", include("apps.lov.urls")),
    path("", include("apps.projects.urls")),
    path("", include("apps.livesettings.urls")),
    path("api/", include(api_patterns)),
    path("accounts/", include("apps.accounts.auth_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]
