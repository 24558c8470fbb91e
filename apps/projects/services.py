"""Writes of the demo domain: tasks and members' job titles, with values the tenant offers."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.lov.models import AbstractLOVValue
from apps.projects.lists.models import JobTitle, JobTitleSelection, TaskStatus, TaskStatusSelection
from apps.projects.models import MemberJobTitle, Task


def _check_offered(
    selection_model: Any, *, tenant: Any, value: AbstractLOVValue, current: AbstractLOVValue | None, field: str
) -> None:
    """Refuse a value the tenant does not offer, unless the record already uses it (an archived value)."""
    if current is not None and value.pk == current.pk:
        return
    if not selection_model.objects.selected_values_for_tenant(tenant).filter(pk=value.pk).exists():
        raise ValidationError({field: f"“{value}” is not one of the values offered here."}, code="invalid_choice")


@transaction.atomic
def task_create(
    *,
    tenant: Any,
    title: str,
    status: TaskStatus,
    created_by: User | None = None,
    due_date: datetime.date | None = None,
) -> Task:
    """Create a task in the active tenant schema with a status that `tenant` offers."""
    _check_offered(TaskStatusSelection, tenant=tenant, value=status, current=None, field="status")
    task = Task(title=title.strip(), status=status, created_by=created_by, due_date=due_date)
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def task_update(*, task: Task, tenant: Any, title: str, status: TaskStatus, due_date: Any = ...) -> Task:
    """Change a task; its current status stays allowed even if since deleted or deselected.

    `due_date` (a date, or None to clear it) left out keeps the task's.
    """
    _check_offered(TaskStatusSelection, tenant=tenant, value=status, current=task.status, field="status")
    task.title, task.status = title.strip(), status
    if due_date is not ...:
        task.due_date = due_date
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def member_job_title_set(*, user: User, tenant: Any, job_title: JobTitle) -> MemberJobTitle:
    """Set a member's job title to one the tenant offers (or keep their current, archived one)."""
    record = MemberJobTitle.objects.select_related("job_title").filter(user=user).first()
    _check_offered(
        JobTitleSelection,
        tenant=tenant,
        value=job_title,
        current=record.job_title if record else None,
        field="job_title",
    )
    if record is None:
        return MemberJobTitle.objects.create(user=user, job_title=job_title)
    record.job_title = job_title
    record.save(update_fields=["job_title", "modified"])
    return record
