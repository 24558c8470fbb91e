"""Demo content for the demo tenants: a few selected optional values, one custom value, a couple of tasks."""

from typing import Any, TypedDict

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.lov.services import (
    lov_custom_value_create,
    lov_defaults_sync_all,
    lov_value_label_set,
    lov_value_select,
)
from apps.projects.lists.models import JobTitle, TaskStatus
from apps.projects.models import Task
from apps.projects.services import task_create


class _DemoSpec(TypedDict):
    statuses: list[str]
    job_titles: list[str]
    custom_status: str
    custom_job_title: str
    tasks: list[tuple[str, str, str]]  # (title, status name, assignee's username)
    status_labels: dict[str, str]  # shared name → the tenant's label


DEMO: dict[str, _DemoSpec] = {
    "acme": {
        "statuses": ["Blocked", "In review"],
        "job_titles": ["Sales representative", "Support agent"],
        "custom_status": "Awaiting sign-off",
        "custom_job_title": "Account executive",
        "tasks": [
            ("Prepare the Q3 price list", "In review", "alice"),
            ("Call back the Initech lead", "Awaiting sign-off", "bob"),
        ],
        "status_labels": {"Done": "Finished"},
    },
    "globex": {
        "statuses": ["Waiting for customer"],
        "job_titles": ["Engineer", "Designer"],
        "custom_status": "Needs QA",
        "custom_job_title": "Growth hacker",
        "tasks": [("Ship the 2.0 release", "Needs QA", "gina"), ("Refresh the landing page", "In progress", "ivy")],
        "status_labels": {},
    },
}


def _ensure_custom(model: Any, tenant: Any, name: str) -> Any:
    existing = model.objects.for_tenant(tenant).filter(name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        return lov_custom_value_create(model=model, tenant=tenant, name=name)
    except ValidationError:
        return model.objects.for_tenant(tenant).get(name__iexact=name)


def projects_demo_load(*, tenant: Any) -> None:
    """Seed `tenant` (acme or globex) with demo selections, custom values and tasks. Safe to run again."""
    spec = DEMO.get(tenant.schema_name)
    if spec is None:
        return
    lov_defaults_sync_all()
    for model, names in ((TaskStatus, spec["statuses"]), (JobTitle, spec["job_titles"])):
        for value in model.objects.for_tenant(tenant).filter(name__in=names):
            lov_value_select(value=value, tenant=tenant, selected=True)
    _ensure_custom(TaskStatus, tenant, spec["custom_status"])
    for name, label in spec["status_labels"].items():
        lov_value_label_set(value=TaskStatus.objects.get(name=name, lov_tenant=None), tenant=tenant, label=label)
    _ensure_custom(JobTitle, tenant, spec["custom_job_title"])
    with schema_context(tenant.schema_name):
        owner = get_user_model().objects.filter(profile__role="owner").order_by("pk").first()
        for title, status_name, assignee_name in spec["tasks"]:
            if Task.objects.filter(title=title).exists():
                continue
            status = TaskStatus.objects.for_tenant(tenant).get(name=status_name)
            assignee = get_user_model().objects.filter(username=assignee_name).first()
            task_create(tenant=tenant, title=title, status=status, created_by=owner, assignee=assignee)
