"""The API of this app: /api/people/, /api/groups/, /api/invitations/ (owners)."""

from django.urls import URLPattern, URLResolver, path

from apps.people import api, group_api

# `str`, not `int`: a path with a malformed id (-1, 2**70) must reach the view and answer its JSON 404.
urlpatterns: list[URLPattern | URLResolver] = [
    # groups
    path("groups/", group_api.GroupsView.as_view(), name="groups-api"),
    path("groups/order/", group_api.GroupOrderView.as_view(), name="groups-api-order"),
    path("groups/<str:pk>/", group_api.GroupDetailView.as_view(), name="groups-api-detail"),
    path("groups/<str:pk>/members/", group_api.GroupMembersView.as_view(), name="groups-api-members"),
    path("groups/<str:pk>/permissions/", group_api.GroupPermissionsView.as_view(), name="groups-api-permissions"),
    # people and invitations
    path("people/", api.PersonListView.as_view(), name="people-api-list"),
    path("people/<int:pk>/", api.PersonDetailView.as_view(), name="people-api-detail"),
    path("invitations/", api.InvitationListView.as_view(), name="invitations-api-list"),
    path("invitations/<int:pk>/", api.InvitationDetailView.as_view(), name="invitations-api-detail"),
    path("invitations/<int:pk>/resend/", api.InvitationResendView.as_view(), name="invitations-api-resend"),
    path("invitations/<int:pk>/revoke/", api.InvitationRevokeView.as_view(), name="invitations-api-revoke"),
]
