"""REST API of a tenant's own values of the live settings, mounted under /api/ on tenant domains (owners)."""

from django.urls import URLPattern, URLResolver, path

from apps.livesettings import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("livesettings/overrides/", api.OverrideListView.as_view(), name="livesettings-api-overrides"),
    path(
        "livesettings/overrides/<str:name>/",
        api.OverrideDetailView.as_view(),
        name="livesettings-api-override-detail",
    ),
]
