"""REST API routes of this app, mounted under /api/ on tenant domains."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
