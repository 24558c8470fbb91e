"""REST API of the site's live settings, mounted under /api/ on the public domain (superadmins)."""

from django.urls import URLPattern, URLResolver, path

from apps.livesettings import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("livesettings/", api.LiveSettingListView.as_view(), name="livesettings-api"),
    path("livesettings/custom/", api.CustomSettingCreateView.as_view(), name="livesettings-api-custom"),
    path(
        "livesettings/custom/<str:name>/", api.CustomSettingDeleteView.as_view(), name="livesettings-api-custom-detail"
    ),
    path("livesettings/<str:name>/", api.LiveSettingDetailView.as_view(), name="livesettings-api-detail"),
]
