"""Pages of this app on tenant domains: /owner/people/…, /owner/groups/…, /invitations/…"""

from django.urls import URLPattern, URLResolver, path

from apps.people import effective_views

app_name = "people"

urlpatterns: list[URLPattern | URLResolver] = [
    path("owner/people/<int:pk>/effective/", effective_views.member_effective, name="member-effective"),
]
