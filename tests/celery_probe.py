"""Tasks for tests only, run by the test Celery worker: what a task sees in its schema and settings."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection


@shared_task
def schema_probe() -> dict[str, object]:
    """Return the schema the task ran in and the usernames visible from it."""
    usernames = sorted(get_user_model().objects.values_list("username", flat=True))
    return {"schema": connection.schema_name, "usernames": usernames}


@shared_task
def global_preference_probe(key: str) -> object:
    """Return the current tenant's value of a global preference, as a task sees it."""
    from apps.preferences.registries import global_preferences_registry

    return global_preferences_registry.manager()[key]


@shared_task
def live_setting_probe(name: str) -> object:
    """Return `settings.<name>` as this worker process reads it now."""
    return getattr(settings, name)
