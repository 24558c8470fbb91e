"""Celery tasks of this app: apply scheduled live-setting changes (run by beat every minute)."""

from celery import shared_task

from apps.livesettings.services import scheduled_changes_apply


@shared_task
def apply_scheduled_changes() -> int:
    """Apply the scheduled changes that are due; return how many were applied or failed."""
    return len(scheduled_changes_apply())
