"""Reads of the demo domain."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from apps.projects.models import MemberJobTitle, Task


def task_list(*, query: str = "") -> QuerySet[Task]:
    """Return the active tenant's tasks, newest first, with their status (one join into the public table)."""
    tasks = Task.objects.select_related("status", "created_by")
    if query:
        tasks = tasks.filter(title__icontains=query)
    return tasks


def member_job_title_get(*, user: User) -> MemberJobTitle | None:
    """Return the member's job title record, if they have one."""
    return MemberJobTitle.objects.select_related("job_title").filter(user=user).first()
