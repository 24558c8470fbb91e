"""A tenant's tasks and its members' job titles: records that use the shared lists of values.

The values live in the public schema (apps.projects.lists); these rows live in the tenant's schema. The
foreign keys therefore have no database constraint (PostgreSQL would tie every tenant schema to the
public table and block flushing it) and DO_NOTHING on delete: values are only ever soft-deleted, and a
custom value disappears for real only with its tenant, whose schema goes with it.
"""

from django.conf import settings
from django.db import models

from apps.projects.lists.models import JobTitle, TaskStatus


class Task(models.Model):
    title = models.CharField(max_length=200)
    status = models.ForeignKey(
        TaskStatus, on_delete=models.DO_NOTHING, db_constraint=False, related_name="tasks", related_query_name="task"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A person of the tenant; assigning or reassigning sends them `task_assigned` through the outbox.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_tasks"
    )
    # The day the task is due (the week view shows tasks by it); none for a task without a deadline.
    due_date = models.DateField("due date", null=True, blank=True, db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    # Soft deletion: a deleted task leaves every list but keeps its row (and what referred to it).
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["assignee", "deleted_at"], name="projects_task_assignee")]

    def __str__(self) -> str:
        return self.title


class MemberJobTitle(models.Model):
    """A member's job title (one per user)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_title")
    job_title = models.ForeignKey(
        JobTitle, on_delete=models.DO_NOTHING, db_constraint=False, related_name="members", related_query_name="member"
    )
    modified = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.job_title}"
