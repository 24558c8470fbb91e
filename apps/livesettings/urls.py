"""Pages of this app on tenant domains (mounted at the root): the owners' page and the expiry warning."""

from django.urls import path

from apps.livesettings import owner_views, session_views

app_name = "livesettings"

urlpatterns = [
    path("owner/settings/", owner_views.owner_settings, name="owner-settings"),
    path("owner/settings/<str:setting>/", owner_views.owner_setting_update, name="owner-setting-update"),
    path("owner/settings/<str:setting>/reset/", owner_views.owner_setting_reset, name="owner-setting-reset"),
    path("session/status/", session_views.session_status, name="session-status"),
    path("session/extend/", session_views.session_extend, name="session-extend"),
]
