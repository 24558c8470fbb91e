"""REST API of the site's live settings, mounted under /api/ on the public domain (superadmins)."""

from django.urls import URLPattern, URLResolver, path

from apps.livesettings import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("livesettings/", api.LiveSettingListView.as_view(), name="livesettings-api"),
    path("livesettings/<str:name>/", api.LiveSettingDetailView.as_view(), name="livesettings-api-detail"),
]
