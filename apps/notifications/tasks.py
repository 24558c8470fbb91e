"""Celery tasks: deliver a batch of one backend's outbox rows; re-queue stale rows in every tenant schema (beat)."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django_tenants.utils import schema_context

from apps.notifications.services import deliveries_deliver_batch, deliveries_requeue_stale, delivery_deliver


@shared_task(bind=True, acks_late=True)
def deliver_batch(self: Any, backend: str) -> dict[str, int]:
    """Deliver one batch of `backend`'s due rows in the task's schema; wake up again when failed rows are due."""
    outcome = deliveries_deliver_batch(backend=backend)
    # In eager mode a countdown is ignored and the rows are not due yet: the periodic re-queue picks them up.
    if not self.request.is_eager:
        for retry_in in sorted(outcome.retries):
            deliver_batch.apply_async((backend,), countdown=retry_in, ignore_result=True)
    counts: dict[str, int] = {}
    for status in outcome.statuses.values():
        counts[status] = counts.get(status, 0) + 1
    return counts


@shared_task(bind=True, max_retries=None, acks_late=True)
def deliver(self: Any, delivery_id: int) -> str | None:
    """Deliver one row (tasks queued before batches, and explicit re-sends); retry after the recorded backoff."""
    outcome = delivery_deliver(delivery_id=delivery_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    # In eager mode a retry would run at once, ignoring the backoff: the row stays pending until
    # its next_attempt_at, and the periodic re-queue picks it up.
    return outcome.status


@shared_task
def requeue_stale_deliveries() -> dict[str, int]:
    """Queue again pending rows nobody picked up, in each ready tenant's schema; return counts per schema."""
    from apps.tenants.models import Tenant

    counts: dict[str, int] = {}
    tenants = Tenant.objects.filter(state=Tenant.State.READY, is_active=True).exclude(
        schema_name=settings.PUBLIC_SCHEMA_NAME
    )
    for schema in tenants.values_list("schema_name", flat=True):
        with schema_context(schema):
            counts[schema] = deliveries_requeue_stale()
    return counts
