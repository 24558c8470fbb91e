"""Delivery on a real Celery worker process, on the test Redis broker and the test database."""

import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.notifications.models import Delivery, InboxMessage, SmsMessage
from apps.notifications.registry import Notification, registry
from apps.notifications.shortcuts import send_notification
from apps.notifications.sync import notifications_sync
from apps.notifications.tasks import deliver, requeue_stale_deliveries
from apps.tenants.models import Tenant
from portal.celery import app as celery_app
from tests.conftest import client_for, make_user
from tests.notifications.conftest import FLAKY_BACKENDS
from tests.support.redis import PrivateRedis, celery_broker
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.worker


SMTP = "django.core.mail.backends.smtp.EmailBackend"


def smtp_env(sink: SmtpSink) -> dict[str, str]:
    """The environment pointing a worker's notification email at the test's SMTP server."""
    return {"NOTIFICATIONS_EMAIL_CONNECTION": SMTP, "EMAIL_HOST": sink.host, "EMAIL_PORT": str(sink.port)}


@pytest.fixture
def mail_dir(smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> SmtpSink:
    """Point the worker's notification email at the test's real SMTP server (not locmem: another process)."""
    for name, value in smtp_env(smtp_server).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NOTIFICATIONS_BACKENDS", ",".join(FLAKY_BACKENDS))
    monkeypatch.setenv("NOTIFICATIONS_RETRY_BASE_SECONDS", "1")
    monkeypatch.setenv("NOTIFICATIONS_MAX_ATTEMPTS", "3")
    return smtp_server


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
    [message] = mail_dir.wait_for(1)
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Hello from the worker"
    # The one-click header is unsubscribe-from-all (RFC 8058); the body keeps this notification's own link.
    assert "".join(message["List-Unsubscribe"].split()).startswith(
        "<http://acme.localhost:8000/notifications/unsubscribe-all/"
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
    assert len(mail_dir.messages) == 5
    # The five emails went out in one batch, over one SMTP connection.
    assert mail_dir.connections == 1


# Delivery survives a worker killed mid-send and a broker stopped and restarted: each row is sent exactly once.
#
# These tests run their own redis-server (append-only, fsync on every write, so a restart keeps queued messages) and
# never touch the shared Redis. The test process is pointed at it through CELERY_BROKER_URL and
# CELERY_RESULT_BACKEND, which Celery reads before its configuration; its cached connection pools are swapped for
# the test and put back afterwards.

VISIBILITY_TIMEOUT = 2  # seconds before a killed worker's unacknowledged message goes to another worker
CLAIM_SECONDS = 3  # seconds before another batch may take the rows a killed worker's email batch had claimed
IN_APP = "tests.notifications.conftest.PausingInAppBackend"
EMAIL = "tests.notifications.conftest.PausingEmailBackend"


@pytest.fixture
def broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateRedis]:
    """Start a private Redis and make this process send its tasks there, not to the shared one, for this test."""
    server = PrivateRedis(tmp_path / "redis")
    with celery_broker(server, monkeypatch):
        server.start()
        yield server


@pytest.fixture
def pause_dir(tmp_path: Path) -> Path:
    """Where the pausing backends log their attempts and look for their `hold` files."""
    folder = tmp_path / "pause"
    folder.mkdir()
    return folder


@pytest.fixture
def start_worker(
    broker: PrivateRedis,
    smtp_server: SmtpSink,
    pause_dir: Path,
    celery_workers: Callable[..., subprocess.Popen[bytes]],
) -> Callable[..., subprocess.Popen[bytes]]:
    """Return a function starting a Celery worker on the private broker; every worker is stopped afterwards."""
    env = {
        "CELERY_BROKER_URL": broker.url(0),
        "CELERY_RESULT_BACKEND": broker.url(1),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "NOTIFICATIONS_BACKENDS": ",".join([EMAIL, "apps.notifications.backends.sms.SmsBackend", IN_APP]),
        **smtp_env(smtp_server),
        "NOTIFICATIONS_TEST_PAUSE_DIR": str(pause_dir),
        "NOTIFICATIONS_CLAIM_SECONDS": str(CLAIM_SECONDS),
        # The re-queue task takes every pending row at once instead of those older than five minutes.
        "NOTIFICATIONS_STALE_AFTER_SECONDS": "0",
    }
    return lambda **extra: celery_workers(env={**env, **extra}, includes=())


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Still waiting after {timeout} s for {what}")


def wait_until_sent(schema: str, count: int) -> list[Delivery]:
    """Wait until `count` rows of `schema` are past pending; return them all."""
    with schema_context(schema):
        wait_for(
            lambda: (
                Delivery.objects.filter(status="pending").count() == 0
                and Delivery.objects.exclude(status="skipped").count() == count
            ),
            f"{count} deliveries in {schema} to settle",
        )
        return list(Delivery.objects.select_related("backend"))


def sends_per_delivery(sink: SmtpSink) -> Counter[int]:
    """Count what the backends really handed over, per delivery id: emails (by Message-ID), texts, inbox messages."""
    delivery_ids = dict(Delivery.objects.values_list("idempotency_key", "pk"))
    sends: Counter[int] = Counter()
    for message in sink.messages:
        # The raw header: our Message-ID has colons, which the parsed msg-id header would cut short.
        [raw] = [value for name, value in message.raw_items() if name.lower() == "message-id"]
        message_id = "".join(raw.split())
        sends[delivery_ids[message_id.removeprefix("<").removesuffix("@portal>")]] += 1
    sends.update(SmsMessage.objects.values_list("delivery_id", flat=True))
    sends.update(InboxMessage.objects.values_list("delivery_id", flat=True))
    return sends


def attempts_by_delivery(pause_dir: Path) -> dict[int, list[str]]:
    """Return delivery id → the pids of the workers that tried it, in order, from the pausing backends' log."""
    tries: dict[int, list[str]] = {}
    for line in (pause_dir / "attempts.log").read_text().splitlines():
        delivery_id, pid = line.split()
        tries.setdefault(int(delivery_id), []).append(pid)
    return tries


def people(committed_tenants: dict[str, Tenant], count: int) -> list[Any]:
    acme = committed_tenants["acme"]
    users = [make_user(acme, f"person{i}") for i in range(count)]
    with schema_context("acme"):
        for user in users:
            user.profile.phone_number = f"+1555010{user.pk}"
            user.profile.save()
    return users


def test_a_worker_killed_mid_batch_leaves_nothing_and_another_worker_sends_each_row_once(
    broker, start_worker, smtp_server, pause_dir, committed_tenants
):
    recipients = people(committed_tenants, 3)
    (pause_dir / "hold").touch()
    first = start_worker()
    with schema_context("acme"), transaction.atomic():
        send_notification("test_message", users=recipients)
    attempts = pause_dir / "attempts.log"
    # The in-app batch has written its three inbox messages and waits, its transaction open.
    wait_for(lambda: attempts.exists() and attempts.read_text().count("\n") == 3, "the in-app batch to start")
    first_pid = str(first.pid)

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    with schema_context("acme"):
        in_app = list(Delivery.objects.filter(backend__name="in_app").order_by("pk"))
        left_by_killed_batch = InboxMessage.objects.count()
    (pause_dir / "hold").unlink()
    start_worker()
    rows = wait_until_sent("acme", 9)

    assert [(row.status, row.attempts) for row in in_app] == [("pending", 0)] * 3
    assert left_by_killed_batch == 0
    assert {row.status for row in rows} == {"sent"}
    # The killed worker's unacknowledged message went to the second worker after the visibility timeout; the
    # whole batch was tried once by each.
    tries = attempts_by_delivery(pause_dir)
    assert sorted(tries) == [row.pk for row in in_app]
    assert all(pids[0] == first_pid and len(pids) == 2 and pids[1] != first_pid for pids in tries.values())
    with schema_context("acme"):
        assert set(Delivery.objects.filter(backend__name="in_app").values_list("attempts", flat=True)) == {1}
        assert sends_per_delivery(smtp_server) == Counter(row.pk for row in rows)


def test_a_worker_killed_mid_email_batch_keeps_what_it_recorded_and_another_sends_the_rest_once(
    broker, start_worker, smtp_server, pause_dir, committed_tenants
):
    recipients = people(committed_tenants, 4)
    (pause_dir / "hold-email").touch()
    # Outcomes recorded after every message: the first is sent and recorded before the batch waits.
    first = start_worker(NOTIFICATIONS_RECORD_EVERY="1")
    with schema_context("acme"), transaction.atomic():
        send_notification("test_message", users=recipients)
    attempts = pause_dir / "attempts.log"
    wait_for(lambda: attempts.exists() and attempts.read_text().endswith("\n"), "the email batch to wait")

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    with schema_context("acme"):
        at_kill = dict(Delivery.objects.filter(backend__name="email").values_list("pk", "status"))
        claimed = Delivery.objects.filter(backend__name="email", status="pending").exclude(claim="").count()
    (pause_dir / "hold-email").unlink()
    start_worker()
    # The redelivered batch finds the three rows still under the killed batch's lease; once it is over, beat's
    # re-queue hands them to a new batch.
    time.sleep(CLAIM_SECONDS)
    requeue_stale_deliveries.delay().get(timeout=30)
    rows = wait_until_sent("acme", 12)

    assert sorted(at_kill.values()) == ["pending", "pending", "pending", "sent"]
    assert claimed == 3  # still the killed batch's until the lease ends; then the second worker's
    assert {row.status for row in rows} == {"sent"}
    with schema_context("acme"):
        # Every email recorded, each received once: the recorded one was not sent again.
        assert sends_per_delivery(smtp_server) == Counter(row.pk for row in rows)
        assert not Delivery.objects.exclude(claim="").exists()


def test_a_request_made_while_the_broker_is_down_succeeds_and_the_requeue_sends_each_row_once(
    broker, start_worker, smtp_server, committed_tenants, caplog
):
    [alice] = people(committed_tenants, 1)
    owner = make_user(committed_tenants["acme"], "olivia", owner=True)
    as_owner = client_for("acme.localhost", owner, committed_tenants["acme"])
    start_worker()
    broker.stop()

    response = as_owner.post(
        reverse("notifications:send-test"), {"notification": "test_message", "recipient": alice.pk}
    )

    assert response.status_code == 302
    assert "Broker unreachable; 3 deliveries wait for the re-queue." in caplog.messages
    with schema_context("acme"):
        assert sorted(Delivery.objects.values_list("backend__name", "status")) == [
            ("email", "pending"),
            ("in_app", "pending"),
            ("sms", "pending"),
        ]

    broker.start()
    # Beat sends this from the public schema every minute; it walks every tenant. The worker reconnected.
    counts = requeue_stale_deliveries.delay().get(timeout=30)
    rows = wait_until_sent("acme", 3)
    again = requeue_stale_deliveries.delay().get(timeout=30)

    assert (counts["acme"], again["acme"]) == (3, 0)
    assert {row.status for row in rows} == {"sent"}
    with schema_context("acme"):
        assert sends_per_delivery(smtp_server) == Counter(row.pk for row in rows)


def test_batches_queued_before_a_broker_crash_survive_its_restart_and_each_row_is_sent_once(
    broker, start_worker, smtp_server, committed_tenants
):
    recipients = people(committed_tenants, 4)
    with schema_context("acme"), transaction.atomic():
        send_notification("test_message", users=recipients)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    queued_before = broker.client().llen(queue)

    broker.stop(signal.SIGKILL)
    broker.start()
    queued_after = broker.client().llen(queue)
    start_worker()
    rows = wait_until_sent("acme", 12)

    # One batch per backend for the twelve rows, not one task per row.
    assert (queued_before, queued_after) == (3, 3)
    assert {row.status for row in rows} == {"sent"}
    assert smtp_server.connections == 1
    with schema_context("acme"):
        assert sends_per_delivery(smtp_server) == Counter(row.pk for row in rows)


def test_a_broker_restarted_mid_batch_loses_no_row_and_sends_none_twice(
    broker, start_worker, smtp_server, pause_dir, committed_tenants
):
    recipients = people(committed_tenants, 3)
    (pause_dir / "hold").touch()
    start_worker()
    with schema_context("acme"), transaction.atomic():
        send_notification("test_message", users=recipients)
    attempts = pause_dir / "attempts.log"
    wait_for(lambda: attempts.exists() and attempts.read_text().count("\n") == 3, "the in-app batch to start")

    # The broker dies while the batch is open, and comes back with the unacknowledged message.
    broker.stop(signal.SIGKILL)
    broker.start()
    (pause_dir / "hold").unlink()
    rows = wait_until_sent("acme", 9)
    # The restored message (or beat's re-queue) runs again and finds nothing left to send.
    requeue_stale_deliveries.delay().get(timeout=30)
    time.sleep(VISIBILITY_TIMEOUT + 1)

    assert {row.status for row in rows} == {"sent"}
    with schema_context("acme"):
        assert sends_per_delivery(smtp_server) == Counter(row.pk for row in rows)
        assert set(Delivery.objects.filter(backend__name="in_app").values_list("attempts", flat=True)) == {1}
