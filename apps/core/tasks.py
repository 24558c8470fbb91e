"""Periodic work of the core: the workers' heartbeat that `/readyz` reports."""

from celery import shared_task

from apps.core.health import heartbeat_record


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Record that a worker runs tasks (scheduled by the beat every HEALTH_HEARTBEAT_SECONDS)."""
    heartbeat_record()
