"""The API of this app: /api/people/, /api/groups/, /api/invitations/ (owners)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
