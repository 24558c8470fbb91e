"""A task for tests only: report which schema a task ran in and what it saw there."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import connection


@shared_task
def schema_probe() -> dict[str, object]:
    """Return the schema the task ran in and the usernames visible from it."""
    usernames = sorted(get_user_model().objects.values_list("username", flat=True))
    return {"schema": connection.schema_name, "usernames": usernames}
