"""Pages of this app on tenant domains: /owner/people/…, /owner/groups/…, /invitations/…"""

from django.urls import URLPattern, URLResolver, path

from apps.people import views

app_name = "people"

urlpatterns: list[URLPattern | URLResolver] = [
    path("owner/people/", views.people_list, name="list"),
    path("owner/people/invite/", views.invitation_create, name="invite"),
    path("owner/people/add/", views.person_add, name="add"),
    path("owner/people/<int:pk>/role/", views.person_role, name="person-role"),
    path("owner/people/<int:pk>/active/", views.person_active, name="person-active"),
    path("owner/people/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("owner/people/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
