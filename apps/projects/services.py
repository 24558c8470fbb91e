"""Writes of the demo domain: tasks and members' job titles, with values the tenant offers."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.lov.models import AbstractLOVValue
from apps.notifications.shortcuts import send_notification
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


def _check_assignable(assignee: User | None, *, current: User | None) -> None:
    """Refuse a deactivated person as a new assignee (a task may keep one it already had)."""
    if assignee is None or (current is not None and assignee.pk == current.pk):
        return
    if not assignee.is_active:
        raise ValidationError({"assignee": f"{assignee.get_username()} is deactivated."}, code="inactive")


def _notify_assignee(task: Task, *, actor: User | None) -> None:
    # Written in the caller's transaction: the delivery rows commit (and are queued) with the task, or neither.
    if task.assignee is None or (actor is not None and task.assignee.pk == actor.pk):
        return
    send_notification(
        "task_assigned",
        users=[task.assignee],
        context={
            "task": task.title,
            "task_id": task.pk,
            "assigned_by": actor.get_username() if actor is not None else "",
            "url": reverse("projects:task-edit", args=[task.pk]),
        },
    )


@transaction.atomic
def task_create(
    *,
    tenant: Any,
    title: str,
    status: TaskStatus,
    created_by: User | None = None,
    assignee: User | None = None,
    due_date: datetime.date | None = None,
) -> Task:
    """Create a task in the active tenant schema with a status that `tenant` offers; tell its assignee."""
    _check_offered(TaskStatusSelection, tenant=tenant, value=status, current=None, field="status")
    _check_assignable(assignee, current=None)
    task = Task(title=title.strip(), status=status, created_by=created_by, assignee=assignee, due_date=due_date)
    task.full_clean()
    task.save()
    _notify_assignee(task, actor=created_by)
    return task


_UNCHANGED: Any = object()


@transaction.atomic
def task_update(
    *,
    task: Task,
    tenant: Any,
    title: str,
    status: TaskStatus,
    assignee: User | None = _UNCHANGED,
    actor: User | None = None,
    due_date: Any = ...,
) -> Task:
    """Change a task; its current status stays allowed even if since deleted or deselected.

    A new assignee (not the one it had) is sent `task_assigned`; leaving `assignee` out keeps the current one.
    `due_date` (a date, or None to clear it) left out keeps the task's.
    """
    _check_offered(TaskStatusSelection, tenant=tenant, value=status, current=task.status, field="status")
    reassigned = False
    if assignee is not _UNCHANGED:
        # Compare with the stored row, locked: a ModelForm has already copied its data onto `task`, and two
        # saves racing must not both notify.
        stored = Task.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=task.pk).assignee
        _check_assignable(assignee, current=stored)
        reassigned = assignee is not None and (stored is None or assignee.pk != stored.pk)
        task.assignee = assignee
    task.title, task.status = title.strip(), status
    if due_date is not ...:
        task.due_date = due_date
    task.full_clean()
    task.save()
    if reassigned:
        _notify_assignee(task, actor=actor)
    return task


@transaction.atomic
def task_delete(*, task: Task, by: User | None) -> Task:
    """Soft-delete a task: it leaves every list; deleting it again changes nothing."""
    if task.deleted_at is None:
        task.deleted_at, task.deleted_by = timezone.now(), by
        task.save(update_fields=["deleted_at", "deleted_by", "modified"])
    return task


@transaction.atomic
def member_job_title_set(*, user: User, tenant: Any, job_title: JobTitle | None) -> MemberJobTitle | None:
    """Set a member's job title to one the tenant offers (or keep their current, archived one); None clears it."""
    record = MemberJobTitle.objects.select_related("job_title").filter(user=user).first()
    if job_title is None:
        if record is not None:
            record.delete()
        return None
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
