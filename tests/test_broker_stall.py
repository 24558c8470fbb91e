"""A stalled broker (a private redis-server frozen with SIGSTOP) never stops the site.

Every request that queues work answers as usual, the broker's connect/read timeouts bound each publish to a
couple of attempts, the rows it could not queue stay pending, and once the broker runs again the periodic
re-queue sends each of them once. No wall-clock assertion: each block runs under a deadline only so that a
regression fails the test instead of hanging it; what is asserted is statuses, rows and broker connections.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.notifications.models import Delivery, InboxMessage, SmsMessage
from apps.notifications.tasks import requeue_stale_deliveries
from apps.tenants.models import Tenant
from portal.celery import app as celery_app
from tests.conftest import client_for, make_user
from tests.support.redis import PrivateRedis, celery_broker, deadline

# Connections one publish may open on a stalled broker: the first try and one retry (CELERY_TASK_PUBLISH_RETRY_POLICY).
CONNECTIONS_PER_PUBLISH = 2


@pytest.fixture
def broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "redis")
    with celery_broker(server, monkeypatch):
        server.start()
        yield server


def test_requests_that_queue_work_answer_while_the_broker_is_stalled_and_the_requeue_sends_once(
    broker, committed_tenants, settings, monkeypatch
):
    acme = committed_tenants["acme"]
    alice = make_user(acme, "alice")
    with schema_context("acme"):
        alice.profile.phone_number = "+15550100"
        alice.profile.save()
    as_owner = client_for("acme.localhost", make_user(acme, "olivia", owner=True), acme)
    before = broker.connections_received()
    broker.freeze()

    with deadline(30):
        sent = as_owner.post(
            reverse("notifications:send-test"), {"notification": "test_message", "recipient": alice.pk}
        )
    broker.thaw()
    publish_connections = broker.connections_received() - before - 1  # minus the one asking

    assert sent.status_code == 302
    assert 1 <= publish_connections <= CONNECTIONS_PER_PUBLISH
    with schema_context("acme"):
        assert sorted(Delivery.objects.values_list("backend__name", "status")) == [
            ("email", "pending"),
            ("in_app", "pending"),
            ("sms", "pending"),
        ]

    # Beat's re-queue, once the broker answers; eager here, so each delivery runs in this process.
    settings.NOTIFICATIONS_STALE_AFTER_SECONDS = 0
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    first, again = requeue_stale_deliveries(), requeue_stale_deliveries()

    assert (first["acme"], again["acme"]) == (3, 0)
    with schema_context("acme"):
        assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 1)}
        assert (InboxMessage.objects.count(), SmsMessage.objects.count(), len(mail.outbox)) == (1, 1, 1)


def test_creating_a_tenant_while_the_broker_is_stalled_answers_and_says_the_provisioning_was_not_queued(
    broker, committed_tenants
):
    admin = make_user(None, "root-admin", superuser=True)
    client = client_for("localhost", admin)
    broker.freeze()

    with deadline(30):
        response = client.post(
            reverse("tenants:tenant-create", urlconf="portal.urls_public"), {"name": "Initech", "subdomain": "initech"}
        )
    broker.thaw()

    tenant = Tenant.objects.get(schema_name="initech")
    assert response.status_code == 302
    assert tenant.state == Tenant.State.FAILED
    assert "could not be queued" in tenant.status_message


def test_healthz_answers_while_the_broker_is_stalled_and_reports_no_workers(broker, committed_tenants):
    broker.freeze()

    with deadline(30):
        response = client_for("localhost").get("/readyz")
    broker.thaw()

    assert response.status_code == 200
    assert response.json()["services"]["workers"] == {"ok": False}
