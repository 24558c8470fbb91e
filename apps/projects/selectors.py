"""Reads of the demo domain."""

import datetime

from django.contrib.auth.models import User
from django.db.models import QuerySet

from apps.projects.models import MemberJobTitle, Task


def task_list(*, query: str = "") -> QuerySet[Task]:
    """Return the active tenant's tasks, newest first, with their status (one join into the public table)."""
    tasks = Task.objects.select_related("status", "created_by")
    if query:
        tasks = tasks.filter(title__icontains=query)
    return tasks


def tasks_due_between(*, first: datetime.date, last: datetime.date) -> QuerySet[Task]:
    """Return the tasks due from `first` to `last` (both included), by due date then title, with their status."""
    return (
        Task.objects.select_related("status")
        .filter(due_date__gte=first, due_date__lte=last)
        .order_by("due_date", "title", "pk")
    )


def member_job_title_get(*, user: User) -> MemberJobTitle | None:
    """Return the member's job title record, if they have one."""
    return MemberJobTitle.objects.select_related("job_title").filter(user=user).first()
