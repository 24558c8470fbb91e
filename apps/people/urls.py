"""Pages of this app on tenant domains: /owner/people/…, /owner/groups/…, /invitations/…"""

from django.urls import URLPattern, URLResolver

app_name = "people"

urlpatterns: list[URLPattern | URLResolver] = []
