"""Delivery survives a worker killed mid-send and a broker stopped and restarted: each row is sent exactly once.

These tests run their own redis-server (append-only, fsync on every write, so a restart keeps queued messages) and
never touch the shared Redis. The test process is pointed at it through CELERY_BROKER_URL and
CELERY_RESULT_BACKEND, which Celery reads before its configuration; its cached connection pools are swapped for
the test and put back afterwards.
"""

import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from email import message_from_string
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.notifications.models import Delivery, InboxMessage, SmsMessage
from apps.notifications.shortcuts import send_notification
from apps.notifications.tasks import requeue_stale_deliveries
from apps.tenants.models import Tenant
from tests.conftest import client_for, make_user, start_celery_worker, stop_celery_worker
from tests.support.redis import PrivateRedis, celery_broker

pytestmark = pytest.mark.worker

VISIBILITY_TIMEOUT = 2  # seconds before a killed worker's unacknowledged message goes to another worker
IN_APP = "tests.notifications.conftest.PausingInAppBackend"
EMAIL_SEPARATOR = "-" * 79  # the filebased mail backend ends each message with this line


@pytest.fixture
def broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateRedis]:
    """Start a private Redis and make this process send its tasks there, not to the shared one, for this test."""
    server = PrivateRedis(tmp_path / "redis")
    with celery_broker(server, monkeypatch):
        server.start()
        yield server


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    """Where the workers write their emails, one file per connection."""
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def pause_dir(tmp_path: Path) -> Path:
    """Where the pausing in-app backend logs its attempts and looks for the `hold` file."""
    folder = tmp_path / "pause"
    folder.mkdir()
    return folder


@pytest.fixture
def start_worker(
    broker: PrivateRedis, mail_dir: Path, pause_dir: Path, committed_tenants: dict[str, Tenant]
) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Return a function starting a Celery worker on the private broker; every worker is stopped afterwards."""
    env = {
        "CELERY_BROKER_URL": broker.url(0),
        "CELERY_RESULT_BACKEND": broker.url(1),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "NOTIFICATIONS_BACKENDS": ",".join(
            ["apps.notifications.backends.email.EmailBackend", "apps.notifications.backends.sms.SmsBackend", IN_APP]
        ),
        "NOTIFICATIONS_EMAIL_CONNECTION": "django.core.mail.backends.filebased.EmailBackend",
        "NOTIFICATIONS_EMAIL_FILE_PATH": str(mail_dir),
        "NOTIFICATIONS_TEST_PAUSE_DIR": str(pause_dir),
        # The re-queue task takes every pending row at once instead of those older than five minutes.
        "NOTIFICATIONS_STALE_AFTER_SECONDS": "0",
    }
    workers: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        worker = start_celery_worker(name=f"failures-{len(workers)}", includes=(), env=env)
        workers.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            stop_celery_worker(worker)


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


def sends_per_delivery(mail_dir: Path) -> Counter[int]:
    """Count what the backends really handed over, per delivery id: emails (by Message-ID), texts, inbox messages."""
    delivery_ids = dict(Delivery.objects.values_list("idempotency_key", "pk"))
    sends: Counter[int] = Counter()
    for file in mail_dir.iterdir():
        for text in file.read_text().split(EMAIL_SEPARATOR):
            if text.strip():
                message_id = "".join(message_from_string(text.lstrip())["Message-ID"].split())
                sends[delivery_ids[message_id.removeprefix("<").removesuffix("@portal>")]] += 1
    sends.update(SmsMessage.objects.values_list("delivery_id", flat=True))
    sends.update(InboxMessage.objects.values_list("delivery_id", flat=True))
    return sends


def people(committed_tenants: dict[str, Tenant], count: int) -> list[Any]:
    acme = committed_tenants["acme"]
    users = [make_user(acme, f"person{i}") for i in range(count)]
    with schema_context("acme"):
        for user in users:
            user.profile.phone_number = f"+1555010{user.pk}"
            user.profile.save()
    return users


def test_a_worker_killed_mid_send_leaves_nothing_and_another_worker_sends_each_row_once(
    broker, start_worker, mail_dir, pause_dir, committed_tenants
):
    recipients = people(committed_tenants, 2)
    (pause_dir / "hold").touch()
    first = start_worker()
    with schema_context("acme"), transaction.atomic():
        send_notification("test_message", users=recipients)
    attempts = pause_dir / "attempts.log"
    # The first in-app send has written its inbox message and waits, its transaction open.
    wait_for(lambda: attempts.exists() and attempts.read_text().endswith("\n"), "an in-app send to start")
    [(paused_id, first_pid)] = [line.split() for line in attempts.read_text().splitlines()]

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    with schema_context("acme"):
        paused = Delivery.objects.get(pk=paused_id)
        left_by_killed_attempt = InboxMessage.objects.filter(delivery_id=paused_id).count()
    (pause_dir / "hold").unlink()
    start_worker()
    rows = wait_until_sent("acme", 6)

    assert (paused.status, paused.attempts, left_by_killed_attempt) == ("pending", 0, 0)
    assert {row.status for row in rows} == {"sent"}
    # The killed worker's unacknowledged message went to the second worker after the visibility timeout.
    tries = [line.split() for line in attempts.read_text().splitlines()]
    in_app = [str(row.pk) for row in rows if row.backend.name == "in_app"]
    assert sorted(delivery_id for delivery_id, _ in tries) == sorted([*in_app, paused_id])
    assert [pid == first_pid for delivery_id, pid in tries if delivery_id == paused_id] == [True, False]
    with schema_context("acme"):
        assert Delivery.objects.get(pk=paused_id).attempts == 1
        assert sends_per_delivery(mail_dir) == Counter(row.pk for row in rows)


def test_a_request_made_while_the_broker_is_down_succeeds_and_the_requeue_sends_each_row_once(
    broker, start_worker, mail_dir, committed_tenants, caplog
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
        assert sends_per_delivery(mail_dir) == Counter(row.pk for row in rows)


def test_tasks_queued_before_a_broker_crash_survive_its_restart_and_each_row_is_sent_once(
    broker, start_worker, mail_dir, committed_tenants
):
    recipients = people(committed_tenants, 2)
    with schema_context("acme"), transaction.atomic():
        send_notification("test_message", users=recipients)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    queued_before = broker.client().llen(queue)

    broker.stop(signal.SIGKILL)
    broker.start()
    queued_after = broker.client().llen(queue)
    start_worker()
    rows = wait_until_sent("acme", 6)

    assert (queued_before, queued_after) == (6, 6)
    assert {row.status for row in rows} == {"sent"}
    with schema_context("acme"):
        assert sends_per_delivery(mail_dir) == Counter(row.pk for row in rows)
