"""Pages of this app on tenant domains: /owner/people/…, /owner/groups/…, /invitations/…"""

from django.urls import URLPattern, URLResolver, path

from apps.people import effective_views, group_views, import_views, views

app_name = "people"

urlpatterns: list[URLPattern | URLResolver] = [
    # groups: list, create, order; one group: rename, members, permissions, delete
    path("owner/groups/", group_views.group_list, name="group-list"),
    path("owner/groups/new/", group_views.group_create, name="group-create"),
    path("owner/groups/<int:pk>/", group_views.group_detail, name="group-detail"),
    path("owner/groups/<int:pk>/move/", group_views.group_move, name="group-move"),
    path("owner/groups/<int:pk>/rename/", group_views.group_rename, name="group-rename"),
    path("owner/groups/<int:pk>/members/add/", group_views.group_members_add, name="group-members-add"),
    path("owner/groups/<int:pk>/members/remove/", group_views.group_members_remove, name="group-members-remove"),
    path("owner/groups/<int:pk>/permissions/", group_views.group_permissions, name="group-permissions"),
    path("owner/groups/<int:pk>/delete/", group_views.group_delete, name="group-delete"),
    # the CSV import of people and its progress
    path("owner/people/import/", import_views.people_import, name="people-import"),
    path("owner/people/import/<slug:job_id>/", import_views.people_import_job, name="people-import-job"),
    path("owner/people/", views.people_list, name="list"),
    path("owner/people/invite/", views.invitation_create, name="invite"),
    path("owner/people/add/", views.person_add, name="add"),
    path("owner/people/<int:pk>/role/", views.person_role, name="person-role"),
    path("owner/people/<int:pk>/active/", views.person_active, name="person-active"),
    path("owner/people/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("owner/people/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("owner/people/<int:pk>/effective/", effective_views.member_effective, name="member-effective"),
]
