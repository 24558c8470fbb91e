"""Periodic work asks every schema at once and enters only those with due rows (apps.tenants.sweep)."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.notifications.models import Backend, Delivery, NotificationType
from apps.notifications.tasks import requeue_stale_deliveries
from apps.tenants.models import Tenant
from apps.tenants.sweep import ready_tenant_schemas, schemas_with_rows
from tests.support.people import make_user


def _stale_delivery(tenant: Tenant) -> None:
    user = make_user(tenant, "sweep-target")
    with schema_context(tenant.schema_name):
        Delivery.objects.create(
            notification_type=NotificationType.objects.first(),
            backend=Backend.objects.first(),
            user=user,
            idempotency_key="sweep-1",
            next_attempt_at=timezone.now() - timedelta(hours=1),
        )
    connection.set_schema_to_public()


def test_one_statement_finds_the_schemas_with_matching_rows(acme, globex):
    _stale_delivery(globex)

    found = schemas_with_rows(["acme", "globex"], "notifications_delivery", "status = %s", ["pending"])

    assert found == ["globex"]
    assert ready_tenant_schemas() == ["acme", "globex"]


def test_the_stale_delivery_sweep_enters_no_schema_when_nothing_is_due(acme, globex, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the tenants' list, the live setting, the one statement across schemas
        counts = requeue_stale_deliveries()

    assert counts == {"acme": 0, "globex": 0}
