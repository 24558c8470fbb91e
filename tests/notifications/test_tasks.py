"""Delivery on a real Celery worker process, on the test Redis broker and the test database."""

import time
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.notifications.models import Delivery, InboxMessage, SmsMessage
from apps.notifications.registry import Notification, registry
from apps.notifications.shortcuts import send_notification
from apps.notifications.sync import notifications_sync
from apps.notifications.tasks import deliver, requeue_stale_deliveries
from portal.celery import app as celery_app
from tests.conftest import make_user
from tests.notifications.conftest import FLAKY_BACKENDS

pytestmark = pytest.mark.worker


@pytest.fixture
def mail_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the worker's notification email at files (its locmem outbox would be in another process)."""
    folder = tmp_path / "mail"
    folder.mkdir()
    monkeypatch.setenv("NOTIFICATIONS_EMAIL_CONNECTION", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("NOTIFICATIONS_EMAIL_FILE_PATH", str(folder))
    monkeypatch.setenv("NOTIFICATIONS_BACKENDS", ",".join(FLAKY_BACKENDS))
    monkeypatch.setenv("NOTIFICATIONS_RETRY_BASE_SECONDS", "1")
    monkeypatch.setenv("NOTIFICATIONS_MAX_ATTEMPTS", "3")
    return folder


def wait_until_settled(schema: str, timeout: float = 45) -> list[Delivery]:
    deadline = time.monotonic() + timeout
    with schema_context(schema):
        while time.monotonic() < deadline:
            rows = list(Delivery.objects.select_related("backend"))
            if rows and all(row.status != Delivery.Status.PENDING for row in rows):
                return rows
            time.sleep(0.3)
    raise AssertionError(f"Deliveries in {schema} still pending after {timeout} s: {rows}")


def test_worker_delivers_email_sms_and_in_app(mail_dir, committed_tenants, celery_worker):
    alice = make_user(committed_tenants["acme"], "alice")
    with schema_context("acme"):
        alice.profile.phone_number = "+15550100"
        alice.profile.save()
        with transaction.atomic():
            send_notification("test_message", users=[alice], context={"title": "Hello from the worker"})

    rows = wait_until_settled("acme")

    assert {row.backend.name: row.status for row in rows} == {"email": "sent", "sms": "sent", "in_app": "sent"}
    [file] = list(mail_dir.iterdir())
    message = message_from_bytes(file.read_bytes().split(b"\n-------", 1)[0])
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Hello from the worker"
    assert "".join(message["List-Unsubscribe"].split()).startswith(
        "<http://acme.localhost:8000/notifications/unsubscribe/"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with schema_context("acme"):
        assert list(SmsMessage.objects.values_list("to", "body")) == [("+15550100", "Hello from the worker")]
        assert InboxMessage.objects.filter(user=alice, read_at__isnull=True).count() == 1


def test_worker_retries_a_failing_backend_with_backoff_then_marks_it_failed(
    mail_dir, committed_tenants, celery_worker, settings
):
    settings.NOTIFICATIONS_BACKENDS = FLAKY_BACKENDS
    registry.register(
        Notification(name="flaky_test", display_name="Flaky", backends=("flaky",), default={"flaky": True})
    )
    try:
        alice = make_user(committed_tenants["acme"], "alice")
        with schema_context("acme"):
            notifications_sync()  # as a deploy of the new declaration would
            with transaction.atomic():
                send_notification("flaky_test", users=[alice])

        [row] = wait_until_settled("acme")
    finally:
        registry.unregister("flaky_test")

    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error == "ConnectionError: provider unreachable"
    # Backoff of 1 s then 2 s between the three attempts.
    assert row.updated_at - row.created_at >= timedelta(seconds=3)


@pytest.fixture
def lost_deliveries(committed_tenants):
    """Queue deliveries on the broker, which then loses them: the worker fixture purges the queue at start."""
    people = [make_user(committed_tenants["acme"], f"p{i}") for i in range(5)]
    previous, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    try:
        with schema_context("acme"), transaction.atomic():
            send_notification("task_assigned", users=people)
    finally:
        celery_app.conf.task_always_eager = previous
    return people


def test_after_a_broker_loses_tasks_the_periodic_requeue_delivers_each_exactly_once(
    mail_dir, lost_deliveries, celery_worker
):
    with schema_context("acme"):
        assert set(Delivery.objects.values_list("status", flat=True)) == {"pending", "skipped"}
        Delivery.objects.filter(status="pending").update(next_attempt_at=timezone.now() - timedelta(hours=1))

    # Beat queues this from the public schema; it walks every tenant.
    counts = requeue_stale_deliveries.delay().get(timeout=30)
    rows = wait_until_settled("acme")
    with schema_context("acme"):
        # A duplicate task for every row (a redelivered message after a worker died) sends nothing more.
        for row in rows:
            deliver.delay(row.pk).get(timeout=30)
        inbox = InboxMessage.objects.count()

    assert counts["acme"] == 10
    assert sum(row.status == "sent" for row in rows) == 10
    assert inbox == 5
    # The filebased backend may append several messages to one file; each ends with a line of dashes.
    assert sum(f.read_text().count("-" * 79) for f in mail_dir.iterdir()) == 5
