"""Pages of this app on tenant domains."""

from django.urls import URLPattern, URLResolver

app_name = "preferences"

urlpatterns: list[URLPattern | URLResolver] = []
