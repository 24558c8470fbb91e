"""Reads of the demo domain."""

import datetime

from django.contrib.auth.models import User
from django.db.models import QuerySet

from apps.projects.models import MemberJobTitle, Task


def task_list(*, query: str = "", assignee: User | None = None) -> QuerySet[Task]:
    """Return the active tenant's tasks that are not deleted, newest first, optionally only `assignee`'s.

    The status comes with one join into the public table; creator and assignee with the same query.
    """
    tasks = Task.objects.filter(deleted_at__isnull=True).select_related("status", "created_by", "assignee")
    if query:
        tasks = tasks.filter(title__icontains=query)
    if assignee is not None:
        tasks = tasks.filter(assignee=assignee)
    return tasks


def task_get(*, pk: int) -> Task | None:
    """A task that is not deleted, or None."""
    return task_list().filter(pk=pk).first()


def assignable_people() -> QuerySet[User]:
    """The active people of the tenant a task can be assigned to, by name."""
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


def tasks_due_between(*, first: datetime.date, last: datetime.date) -> QuerySet[Task]:
    """Return the tasks due from `first` to `last` (both included), by due date then title, with their status."""
    return (
        Task.objects.select_related("status", "assignee")
        .filter(deleted_at__isnull=True)
        .filter(due_date__gte=first, due_date__lte=last)
        .order_by("due_date", "title", "pk")
    )


def member_job_title_get(*, user: User) -> MemberJobTitle | None:
    """Return the member's job title record, if they have one."""
    return MemberJobTitle.objects.select_related("job_title").filter(user=user).first()
