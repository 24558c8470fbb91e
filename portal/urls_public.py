"""URLs of the public domain (localhost): the superadmins' console."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from apps.core.views import favicon, healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console:overview"), name="home"),
    path("console/", include("apps.tenants.urls")),
    path("console/", include("apps.livesettings.console_urls")),
    path("api/", include("apps.livesettings.api_urls")),
    path("accounts/", include("apps.accounts.auth_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]
