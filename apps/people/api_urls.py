"""The API of this app: /api/people/, /api/groups/, /api/invitations/ (owners)."""

from django.urls import URLPattern, URLResolver, path

from apps.people import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("people/", api.PersonListView.as_view(), name="people-api-list"),
    path("people/<int:pk>/", api.PersonDetailView.as_view(), name="people-api-detail"),
    path("invitations/", api.InvitationListView.as_view(), name="invitations-api-list"),
    path("invitations/<int:pk>/", api.InvitationDetailView.as_view(), name="invitations-api-detail"),
    path("invitations/<int:pk>/resend/", api.InvitationResendView.as_view(), name="invitations-api-resend"),
    path("invitations/<int:pk>/revoke/", api.InvitationRevokeView.as_view(), name="invitations-api-revoke"),
]
