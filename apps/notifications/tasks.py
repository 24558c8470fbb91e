"""Celery tasks: deliver one outbox row; re-queue stale rows in every tenant schema (celery beat)."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django_tenants.utils import schema_context

from apps.notifications.digests import digests_send_due
from apps.notifications.services import deliveries_release_held, deliveries_requeue_stale, delivery_deliver


@shared_task(bind=True, max_retries=None, acks_late=True)
def deliver(self: Any, delivery_id: int) -> str | None:
    """Deliver one row; on a retriable error, try again after the backoff the service recorded."""
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
    """
    from apps.tenants.models import Tenant

    counts: dict[str, int] = {}
    tenants = Tenant.objects.filter(state=Tenant.State.READY, is_active=True).exclude(
        schema_name=settings.PUBLIC_SCHEMA_NAME
    )
    for schema in tenants.values_list("schema_name", flat=True):
        with schema_context(schema):
            deliveries_release_held()
            digests_send_due()
            counts[schema] = deliveries_requeue_stale()
    return counts
