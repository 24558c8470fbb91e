"""Pages of this app on the public domain (mounted under /console/): the superadmins' live settings."""

from django.urls import path

from apps.livesettings import session_views, views

app_name = "livesettings"

urlpatterns = [
    path("settings/", views.settings_list, name="settings"),
    path("settings/history/", views.history, name="history"),
    path("settings/history/<int:pk>/revert/", views.change_revert, name="change-revert"),
    path("settings/custom/", views.custom_create, name="custom-create"),
    path("settings/custom/<str:setting>/delete/", views.custom_delete, name="custom-delete"),
    path("settings/scheduled/", views.schedule_create, name="schedule-create"),
    path("settings/scheduled/<int:pk>/cancel/", views.schedule_cancel, name="schedule-cancel"),
    path("settings/<str:setting>/", views.setting_update, name="setting-update"),
    path("settings/<str:setting>/reset/", views.setting_reset, name="setting-reset"),
    path("session/status/", session_views.session_status, name="session-status"),
    path("session/extend/", session_views.session_extend, name="session-extend"),
]
