"""Digests: three items in one email received by a real SMTP server, sent once, read items left out."""

import datetime as dt
import smtplib

import pytest
from django.core.mail import EmailMultiAlternatives

from apps.notifications.digests import digests_send_due
from apps.notifications.links import category_unsubscribe_url
from apps.notifications.models import Delivery, Digest, InboxMessage
from apps.notifications.selectors import preference_resolve
from apps.notifications.shortcuts import send_notification
from tests.support.people import client_for


def at(clock, *args: int) -> None:
    clock.now = dt.datetime(*args, tzinfo=dt.UTC).timestamp()


@pytest.fixture
def daily_reader(person):
    """alice in Paris, who reads her Projects emails as a daily digest at 08:00."""
    alice = person("alice")
    alice.email = "alice@example.com"
    alice.save(update_fields=["email"])
    alice.preferences["locale__time_zone"] = "Europe/Paris"
    alice.preferences["notifications__digest_projects"] = "daily"
    return alice


def test_a_digest_groups_three_items_into_one_email_sent_once(
    daily_reader, clock, smtp_server, django_capture_on_commit_callbacks
):
    at(clock, 2026, 6, 1, 10, 0)
    with django_capture_on_commit_callbacks(execute=True):
        for title in ("Call Initech", "Fix the printer", "Review the budget", "Water the plants"):
            send_notification("task_assigned", users=[daily_reader], context={"title": title, "url": f"/t/{title[:4]}"})
    digested = Delivery.objects.filter(user=daily_reader, backend__name="email")
    assert set(digested.values_list("status", "reason")) == {("digested", "digest")}
    # 08:00 in Paris in summer is 06:00 UTC, the next morning.
    assert set(digested.values_list("digest_due_at", flat=True)) == {dt.datetime(2026, 6, 2, 6, 0, tzinfo=dt.UTC)}
    # Read in the inbox already: left out of the digest.
    InboxMessage.objects.filter(user=daily_reader, title="Water the plants").update(read_at=dt.datetime.now(dt.UTC))

    at(clock, 2026, 6, 2, 5, 59)
    assert digests_send_due() == 0
    at(clock, 2026, 6, 2, 6, 0)
    assert digests_send_due() == 1
    assert digests_send_due() == 0  # a second run (or a second worker) sends nothing again

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Your digest: 3 notifications"
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<http") and "/notifications/unsubscribe-all/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",)).get_content()
    for title in ("Call Initech", "Fix the printer", "Review the budget"):
        assert title in text
    assert "Water the plants" not in text
    assert "/t/Call" in text and 'Stop "Projects" emails:' in text
    assert len(smtp_server.messages) == 1
    statuses = dict(digested.values_list("context__title", "status"))
    assert statuses == {
        "Call Initech": "sent",
        "Fix the printer": "sent",
        "Review the budget": "sent",
        "Water the plants": "skipped",
    }
    assert Delivery.objects.get(context__title="Water the plants", backend__name="email").reason == "already_read"
    assert Digest.objects.get().sent_at is not None


def test_hourly_digests_and_immediate_categories(daily_reader, clock):
    daily_reader.preferences["notifications__digest_projects"] = "hourly"
    at(clock, 2026, 6, 1, 10, 17)

    send_notification("task_assigned", users=[daily_reader])
    send_notification("test_message", users=[daily_reader])  # category General: immediately

    rows = dict(Delivery.objects.filter(backend__name="email").values_list("notification_type__name", "status"))
    assert rows == {"task_assigned": "digested", "test_message": "pending"}
    due = Delivery.objects.get(notification_type__name="task_assigned", backend__name="email").digest_due_at
    assert due == dt.datetime(2026, 6, 1, 11, 0, tzinfo=dt.UTC)


def test_the_category_link_of_a_digest_turns_that_category_off(daily_reader, acme):
    url = category_unsubscribe_url(user_id=daily_reader.pk, category="Projects", backend="email")
    path = "/" + url.split("/", 3)[3]

    response = client_for("acme.localhost").post(path)

    assert response.status_code == 200 and "Projects" in response.content.decode()
    assert preference_resolve(user=daily_reader, notification="task_assigned", backend="email").value is False


def three_items_due(reader, clock, capture) -> None:
    at(clock, 2026, 6, 1, 10, 0)
    with capture(execute=True):
        for title in ("Call Initech", "Fix the printer", "Review the budget"):
            send_notification("task_assigned", users=[reader], context={"title": title})
    at(clock, 2026, 6, 2, 6, 0)


def test_a_digest_the_smtp_server_refuses_stays_due_and_goes_out_once_on_the_next_run(
    daily_reader, clock, smtp_server, django_capture_on_commit_callbacks, monkeypatch
):
    three_items_due(daily_reader, clock, django_capture_on_commit_callbacks)
    digested = Delivery.objects.filter(user=daily_reader, backend__name="email")

    def refused(message, *args, **kwargs):
        raise smtplib.SMTPDataError(451, b"Try again later")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", refused)
        assert digests_send_due() == 0
    after_refusal = set(digested.values_list("status", "claim"))
    refusal = Digest.objects.get().last_error
    assert digests_send_due() == 1
    assert digests_send_due() == 0

    assert after_refusal == {("digested", "")}  # due again, claimed by nobody
    assert refusal.startswith("SMTPDataError")
    assert Digest.objects.get().last_error == ""  # cleared once sent
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Your digest: 3 notifications"
    assert len(smtp_server.messages) == 1
    assert set(digested.values_list("status", flat=True)) == {"sent"}


def test_a_digest_being_sent_by_another_worker_is_left_to_it_until_its_lease_is_over(
    daily_reader, clock, smtp_server, django_capture_on_commit_callbacks
):
    three_items_due(daily_reader, clock, django_capture_on_commit_callbacks)
    digested = Delivery.objects.filter(user=daily_reader, backend__name="email")
    [due_at] = set(digested.values_list("digest_due_at", flat=True))
    digest = Digest.objects.create(user=daily_reader, due_at=due_at)
    # Another worker claimed the rows and is talking to the SMTP server (or died doing so).
    lease = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    digested.update(status="sending", digest=digest, claim="other", claimed_until=lease)

    assert digests_send_due() == 0
    nothing_sent = list(smtp_server.messages)
    digested.update(claimed_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))  # it died; the lease ran out
    assert digests_send_due() == 1

    assert nothing_sent == []
    [message] = smtp_server.wait_for(1)
    assert "".join(message["Message-ID"].split()) == f"<digest-{digest.pk}@portal>"
    assert set(digested.values_list("status", "claim")) == {("sent", "")}
    assert Digest.objects.get().sent_at is not None


def test_a_digest_due_inside_the_email_quiet_hours_waits_for_their_end(
    daily_reader, clock, smtp_server, django_capture_on_commit_callbacks
):
    daily_reader.preferences["notifications__quiet_email"] = "07:00-09:00"
    three_items_due(daily_reader, clock, django_capture_on_commit_callbacks)
    digested = Delivery.objects.filter(user=daily_reader, backend__name="email")

    # The digest time, 08:00 in Paris, is inside the quiet hours: it waits until 09:00 Paris (07:00 UTC).
    at(clock, 2026, 6, 2, 6, 30)
    assert digests_send_due() == 0
    at(clock, 2026, 6, 2, 7, 0)
    assert digests_send_due() == 1

    assert set(digested.values_list("digest_due_at", "held_zone")) == {
        (dt.datetime(2026, 6, 2, 7, 0, tzinfo=dt.UTC), "Europe/Paris")
    }
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Your digest: 3 notifications"
