"""Pages of this app (urls: tenant domains, mounted at the root)."""

from django.urls import URLPattern, URLResolver

app_name = "livesettings"

urlpatterns: list[URLPattern | URLResolver] = []
