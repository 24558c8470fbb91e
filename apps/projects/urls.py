"""Members' pages of the demo domain on tenant domains."""

from django.urls import path

from apps.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.task_list_view, name="task-list"),
    path("projects/week/", views.task_week_view, name="task-week"),
    path("projects/tasks/<int:pk>/edit/", views.task_edit_view, name="task-edit"),
    path("projects/tasks/<int:pk>/delete/", views.task_delete_view, name="task-delete"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/name/", views.profile_name_view, name="profile-name"),
    path("profile/email/", views.profile_email_view, name="profile-email"),
    path("profile/email/confirm/<str:token>/", views.profile_email_confirm_view, name="profile-email-confirm"),
    path("profile/phone/", views.profile_phone_view, name="profile-phone"),
    path("profile/phone/confirm/", views.profile_phone_confirm_view, name="profile-phone-confirm"),
    path("profile/phone/remove/", views.profile_phone_remove_view, name="profile-phone-remove"),
]
