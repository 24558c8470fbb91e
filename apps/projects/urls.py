"""Members' pages of the demo domain on tenant domains."""

from django.urls import path

from apps.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.task_list_view, name="task-list"),
    path("projects/week/", views.task_week_view, name="task-week"),
    path("projects/tasks/<int:pk>/edit/", views.task_edit_view, name="task-edit"),
    path("profile/", views.profile_view, name="profile"),
]
