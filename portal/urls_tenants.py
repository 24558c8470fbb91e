"""URLs of every tenant's domain (acme.localhost)."""

from django.contrib import admin
from django.urls import include, path

from apps.accounts import views as account_views
from apps.core.views import healthz

urlpatterns = [
    path("", account_views.home, name="home"),
    path("owner/", account_views.owner_overview, name="owner-overview"),
    path("accounts/", include("apps.accounts.auth_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
