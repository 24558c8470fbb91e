"""REST API routes of this app, mounted under /api/ on tenant domains."""

from django.urls import URLPattern, URLResolver, path

from apps.notifications.api import PreferencesView

urlpatterns: list[URLPattern | URLResolver] = [
    path("notifications/preferences/", PreferencesView.as_view(), name="api-notification-preferences"),
]
