"""Pages of this app on tenant domains."""

from django.urls import URLPattern, URLResolver

app_name = "lov"

urlpatterns: list[URLPattern | URLResolver] = []
