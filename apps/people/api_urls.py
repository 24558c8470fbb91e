"""The API of this app: /api/people/, /api/groups/, /api/invitations/ (owners)."""

from django.urls import URLPattern, URLResolver, path

from apps.people import group_api

# `str`, not `int`: a path with a malformed id (-1, 2**70) must reach the view and answer its JSON 404.
urlpatterns: list[URLPattern | URLResolver] = [
    # groups
    path("groups/", group_api.GroupsView.as_view(), name="groups-api"),
    path("groups/order/", group_api.GroupOrderView.as_view(), name="groups-api-order"),
    path("groups/<str:pk>/", group_api.GroupDetailView.as_view(), name="groups-api-detail"),
    path("groups/<str:pk>/members/", group_api.GroupMembersView.as_view(), name="groups-api-members"),
    path("groups/<str:pk>/permissions/", group_api.GroupPermissionsView.as_view(), name="groups-api-permissions"),
]
