"""A task for the live settings tests: what a worker's `settings` says when a task starts."""

from celery import shared_task
from django.conf import settings


@shared_task
def live_setting_probe(name: str) -> object:
    """Return `settings.<name>` as this worker process reads it now."""
    return getattr(settings, name)
