"""Celery tasks: deliver a batch of one backend's outbox rows; re-queue stale rows in every tenant schema (beat)."""

from datetime import timedelta
from typing import Any

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.notifications import conf
from apps.notifications.digests import digests_send_due
from apps.notifications.models import Delivery
from apps.notifications.services import (
    deliveries_deliver_batch,
    deliveries_release_held,
    deliveries_requeue_stale,
    delivery_deliver,
)


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
    """Queue again pending rows nobody picked up, in each ready tenant's schema; return counts per schema.

    The same minute also releases rows held by quiet hours that ended and sends the digests that are due.
    One statement across schemas finds those with stale rows; only they are visited (apps.tenants.sweep), so
    the sweep costs the same few statements whether there are ten tenants or ten thousand.
    """
    from apps.tenants.sweep import ready_tenant_schemas, schemas_with_rows

    schemas = ready_tenant_schemas()
    now = timezone.now()
    cutoff = now - timedelta(seconds=conf.get("NOTIFICATIONS_STALE_AFTER_SECONDS"))
    due = schemas_with_rows(
        schemas,
        Delivery._meta.db_table,
        "(status = %s AND next_attempt_at <= %s) OR (status = %s AND held_until <= %s)"
        " OR (status = %s AND digest_due_at <= %s) OR (status = %s AND claimed_until < %s)",
        [
            *(Delivery.Status.PENDING, cutoff, Delivery.Status.HELD, now),
            *(Delivery.Status.DIGESTED, now, Delivery.Status.SENDING, now),
        ],
    )
    counts = dict.fromkeys(schemas, 0)
    for schema in due:
        with schema_context(schema):
            deliveries_release_held()
            digests_send_due()
            counts[schema] = deliveries_requeue_stale()
    return counts
