"""Celery tasks of this app. They take ids and call a service; they run in the queuing tenant's schema."""

from celery import shared_task
from django.contrib.auth import get_user_model

from apps.people.imports import import_job_run


@shared_task
def people_import_run(job_id: str, actor_id: int | None = None) -> str:
    """Import the validated file of job `job_id`; return the job's final state (done or failed)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return import_job_run(job_id=job_id, actor=actor).state
