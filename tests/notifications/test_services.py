from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.notifications.links import site_url
from apps.notifications.models import Backend, Delivery, InboxMessage, SmsMessage
from apps.notifications.registry import Notification, registry
from apps.notifications.selectors import inbox_unread_count
from apps.notifications.services import (
    deliveries_deliver_batch,
    deliveries_requeue_stale,
    delivery_deliver,
    tenant_defaults_update,
)
from apps.notifications.shortcuts import send_notification, update_preferences
from apps.notifications.sync import notifications_sync
from apps.notifications.tasks import deliver, requeue_stale_deliveries
from tests.notifications.conftest import FLAKY_BACKENDS, group
from tests.support.people import client_for


@pytest.fixture
def flaky_notification(in_acme):
    """Declare a notification sent through the flaky backend, and sync it as a deploy would."""
    declaration = Notification(name="flaky_test", display_name="Flaky", backends=("flaky",), default={"flaky": True})
    registry.register(declaration)
    with override_settings(NOTIFICATIONS_BACKENDS=FLAKY_BACKENDS, NOTIFICATIONS_MAX_ATTEMPTS=3):
        notifications_sync()
        yield declaration
    registry.unregister("flaky_test")


def test_send_writes_pending_rows_and_records_why_others_are_skipped(person):
    alice = person("alice", groups=("Sales",))
    bob = person("bob")
    update_preferences("task_assigned", bob, {"email": False})

    pending = send_notification("task_assigned", users=[alice, bob], context={"task": "Call Initech"})

    assert sorted((d.user.username, d.backend.name) for d in pending) == [
        ("alice", "email"),
        ("alice", "in_app"),
        ("bob", "in_app"),
    ]
    skipped = {(d.user.username, d.backend.name): d.reason for d in Delivery.objects.filter(status="skipped")}
    assert skipped == {("alice", "sms"): "opted_out", ("bob", "sms"): "opted_out", ("bob", "email"): "opted_out"}
    assert Delivery.objects.get(user=bob, backend__name="email").source == "user"


def test_inactive_recipients_get_a_skipped_row_saying_so(person):
    alice = person("alice")
    gone = person("gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    pending = send_notification("security_alert", users=[alice, gone])

    assert {d.user_id for d in pending} == {alice.pk}
    skipped = Delivery.objects.filter(user=gone)
    assert sorted(skipped.values_list("backend__name", "status", "reason", "source")) == [
        ("email", "skipped", "inactive_user", "inactive"),
        ("in_app", "skipped", "inactive_user", "inactive"),
        ("sms", "skipped", "inactive_user", "inactive"),
    ]


def test_two_groups_both_on_deliver_exactly_once(person, django_capture_on_commit_callbacks):
    alice = person("alice", groups=("Sales", "Support"))
    update_preferences("task_assigned", group("Sales"), {"sms": True})
    update_preferences("task_assigned", group("Support"), {"sms": True})

    with django_capture_on_commit_callbacks(execute=True):
        send_notification("task_assigned", groups=[group("Sales"), group("Support")])

    assert Delivery.objects.filter(user=alice, backend__name="sms").count() == 1


def test_missing_permission_is_recorded_as_the_reason(person):
    alice = person("alice", groups=("Sales",))
    update_preferences("billing_invoice", group("Sales"), {"in_app": True})

    pending = send_notification("billing_invoice", groups=[group("Sales")])

    assert pending == []
    assert set(Delivery.objects.filter(user=alice).values_list("reason", flat=True)) == {"no_permission"}


def test_nothing_is_queued_before_commit_and_a_rollback_queues_nothing(person, django_capture_on_commit_callbacks):
    alice = person("alice")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_notification("weekly_digest", users=[alice])

    assert len(callbacks) == 1
    assert set(Delivery.objects.filter(user=alice).values_list("status", flat=True)) == {"pending", "skipped"}


def test_email_carries_the_templates_and_one_click_unsubscribe_headers(
    person, smtp_server, django_capture_on_commit_callbacks
):
    alice = person("alice")

    with django_capture_on_commit_callbacks(execute=True):
        send_notification("task_assigned", users=[alice], context={"task": "Call Initech", "assigned_by": "Olivia"})

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Task assigned: Call Initech"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Olivia assigned you the task" in text
    assert "<strong>Call Initech</strong>" in message.get_body(preferencelist=("html",)).get_content()
    # The header is the one-click unsubscribe from all email (RFC 8058), as in digests.
    header = "".join(str(message["List-Unsubscribe"]).split())
    assert header.startswith("<http://acme.localhost:8000/notifications/unsubscribe-all/") and header.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The body keeps the link that turns off this notification only, and the one for all email.
    assert "http://acme.localhost:8000/notifications/unsubscribe/" in text
    assert header.strip("<>") in "".join(text.split())
    delivery = Delivery.objects.get(user=alice, backend__name="email")
    assert (delivery.status, delivery.attempts, delivery.sent_payload["subject"]) == ("sent", 1, message["Subject"])


def test_the_one_click_header_of_an_ordinary_email_unsubscribes_from_all_email(
    person, smtp_server, django_capture_on_commit_callbacks
):
    alice = person("alice")
    with django_capture_on_commit_callbacks(execute=True):
        send_notification("task_assigned", users=[alice])
    [message] = smtp_server.wait_for(1)
    path = "".join(str(message["List-Unsubscribe"]).split()).strip("<>").split(":8000", 1)[1]

    # What a mail client's "Unsubscribe" button sends: a POST with this body, no login, no CSRF token.
    response = client_for("acme.localhost").post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.preferences["notifications__email_unsubscribed_all"] is True


def test_mandatory_email_has_no_unsubscribe_link(person, django_capture_on_commit_callbacks):
    alice = person("alice")

    with django_capture_on_commit_callbacks(execute=True):
        send_notification("security_alert", users=[alice], context={"message": "New login from Paris"})

    [message] = mail.outbox
    assert "List-Unsubscribe" not in message.extra_headers
    assert "unsubscribe" not in message.body.lower()


def test_sms_goes_to_the_profiles_phone_number_and_is_skipped_without_one(person, django_capture_on_commit_callbacks):
    alice = person("alice", phone_number="+441234567890")
    bob = person("bob")

    with django_capture_on_commit_callbacks(execute=True):
        send_notification("security_alert", users=[alice, bob], context={"message": "New login"})

    [sms] = SmsMessage.objects.all()
    assert (sms.to, sms.body) == ("+441234567890", "Security alert: New login")
    skipped = Delivery.objects.get(user=bob, backend__name="sms")
    assert (skipped.status, skipped.reason) == ("skipped", "no_phone_number")


def test_in_app_message_raises_the_unread_count(person, django_capture_on_commit_callbacks):
    alice = person("alice")

    with django_capture_on_commit_callbacks(execute=True):
        send_notification("task_assigned", users=[alice], context={"task": "Call Initech"})

    assert inbox_unread_count(alice) == 1
    assert InboxMessage.objects.get(user=alice).body == "Someone assigned you “Call Initech”."


def test_disabled_backend_never_sends(person, django_capture_on_commit_callbacks):
    alice = person("alice")
    Backend.objects.filter(name="email").update(enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        pending = send_notification("task_assigned", users=[alice])

    assert mail.outbox == []
    assert [d.backend.name for d in pending] == ["in_app"]
    assert Delivery.objects.get(user=alice, backend__name="email").reason == "backend_disabled"


def test_backend_disabled_after_queueing_skips_at_send_time(person):
    alice = person("alice")
    [email, _] = send_notification("task_assigned", users=[alice])

    with override_settings(NOTIFICATIONS_DISABLED_BACKENDS=["email"]):
        outcome = delivery_deliver(delivery_id=email.pk)

    assert outcome.status == "skipped"
    assert mail.outbox == []


def test_delivering_the_same_row_twice_sends_once(person):
    alice = person("alice")
    [email, in_app] = send_notification("task_assigned", users=[alice])

    deliver.delay(email.pk)
    deliver.delay(email.pk)
    deliver.delay(in_app.pk)
    deliver.delay(in_app.pk)

    assert len(mail.outbox) == 1
    assert InboxMessage.objects.filter(user=alice).count() == 1


def test_lost_tasks_are_requeued_by_the_periodic_task_and_sent_exactly_once(person, django_capture_on_commit_callbacks):
    # The broker "loses" every task: the on-commit hand-over is captured and never run.
    people = [person(f"p{i}") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=False):
        send_notification("task_assigned", users=people)
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))
    connection.set_schema_to_public()

    with django_capture_on_commit_callbacks(execute=True):
        counts = requeue_stale_deliveries()
    with django_capture_on_commit_callbacks(execute=True):
        again = requeue_stale_deliveries()

    assert counts["acme"] == 6  # email and in-app for three people
    assert again["acme"] == 0
    with schema_context("acme"):
        assert len(mail.outbox) == 3
        assert InboxMessage.objects.count() == 3
        assert set(Delivery.objects.filter(status__in=["pending", "sent"]).values_list("status", flat=True)) == {"sent"}


def test_rows_waiting_for_their_retry_are_not_requeued(person):
    alice = person("alice")
    send_notification("task_assigned", users=[alice])
    Delivery.objects.update(next_attempt_at=timezone.now() + timedelta(minutes=5))

    assert deliveries_requeue_stale() == 0


def test_failing_backend_retries_with_exponential_backoff_then_fails(person, flaky_notification):
    alice = person("alice")
    [row] = send_notification("flaky_test", users=[alice])

    outcomes = [delivery_deliver(delivery_id=row.pk) for _ in range(3)]

    assert [o.retry_in for o in outcomes] == [30, 60, None]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error == "ConnectionError: provider unreachable"


def test_eager_task_leaves_a_failed_attempt_pending_until_its_backoff_is_over(
    person, flaky_notification, django_capture_on_commit_callbacks
):
    alice = person("alice")
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        [row] = send_notification("flaky_test", users=[alice])

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at >= before + timedelta(seconds=30)


def test_an_email_batch_of_thirty_messages_costs_no_more_queries_than_one_of_three(
    person, smtp_server, settings, django_assert_max_num_queries
):
    settings.NOTIFICATIONS_RECORD_EVERY = 50
    people = [person(f"reader{i}") for i in range(33)]
    tenant_defaults_update(notification="test_message", prefs={"email": True})
    site_url("")  # the domain is looked up once per process, here, before either batch
    queries = []
    for recipients in (people[:3], people[3:]):
        send_notification("test_message", users=recipients)
        # Claim (one statement), load, the sender (a live setting), record (one guarded UPDATE per 50 messages).
        with django_assert_max_num_queries(4) as captured:
            outcome = deliveries_deliver_batch(backend="email")
        queries.append(len(captured))
        assert set(outcome.statuses.values()) == {"sent"} and outcome.claimed == len(recipients)

    assert queries[1] <= queries[0]  # thirty messages cost no more than three (the sender is cached by then)
    assert len(smtp_server.wait_for(33)) == 33
    assert not Delivery.objects.filter(backend__name="email").exclude(status="sent").exists()
    assert not Delivery.objects.exclude(claim="").exists()
