"""Pages of this app (console_urls: the public console, mounted under /console/)."""

from django.urls import URLPattern, URLResolver

app_name = "livesettings-console"

urlpatterns: list[URLPattern | URLResolver] = []
