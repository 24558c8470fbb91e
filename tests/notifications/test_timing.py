"""When people hear: quiet hours across DST, pause, unsubscribe from all, mandatory and critical bypass."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.notifications.links import unsubscribe_all_token_make
from apps.notifications.models import Delivery, InboxMessage
from apps.notifications.registry import Notification, registry
from apps.notifications.services import deliveries_release_held
from apps.notifications.shortcuts import send_notification
from apps.notifications.sync import notifications_sync
from apps.notifications.timing import digest_due_at, held_label, quiet_release_at, quiet_window_parse, timings_load
from tests.support.people import client_for

PARIS = ZoneInfo("Europe/Paris")


def at(clock, *args: int) -> None:
    """Set the clock to a UTC instant."""
    clock.now = dt.datetime(*args, tzinfo=dt.UTC).timestamp()


def rows_of(user, name="task_assigned"):
    return {row.backend.name: row for row in Delivery.objects.filter(user=user, notification_type__name=name)}


@pytest.fixture
def night_owl(person):
    """alice in Paris with quiet hours 22:00-07:00 for in-app notifications."""
    alice = person("alice")
    alice.preferences["locale__time_zone"] = "Europe/Paris"
    alice.preferences["notifications__quiet_in_app"] = "22:00-07:00"
    return alice


def test_quiet_hours_hold_across_the_end_of_summer_time_and_release_at_seven_local(
    night_owl, clock, django_capture_on_commit_callbacks
):
    # 23:00 in Paris on 24 October 2026 (summer time, UTC+2); the clocks go back at 03:00 that night.
    at(clock, 2026, 10, 24, 21, 0)
    with django_capture_on_commit_callbacks(execute=True):
        send_notification("task_assigned", users=[night_owl], context={"title": "Call Initech"})

    held = rows_of(night_owl)["in_app"]
    assert (held.status, held.reason, held.held_zone) == ("held", "quiet_hours", "Europe/Paris")
    # 07:00 in winter time is 06:00 UTC, not the 05:00 that adding eight hours would give.
    assert held.held_until == dt.datetime(2026, 10, 25, 6, 0, tzinfo=dt.UTC)
    assert held_label(held) == "held until 07:00 Europe/Paris"
    assert rows_of(night_owl)["email"].status == "sent"  # quiet hours are per backend

    at(clock, 2026, 10, 25, 5, 30)  # 06:30 in Paris
    assert deliveries_release_held() == 0
    assert not InboxMessage.objects.filter(user=night_owl).exists()

    at(clock, 2026, 10, 25, 6, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_release_held() == 1
    held.refresh_from_db()
    assert held.status == "sent"
    assert InboxMessage.objects.filter(user=night_owl, title="Call Initech").count() == 1


def test_outside_quiet_hours_nothing_is_held(night_owl, clock):
    at(clock, 2026, 10, 24, 12, 0)  # 14:00 in Paris

    send_notification("task_assigned", users=[night_owl])

    assert rows_of(night_owl)["in_app"].status == "pending"


@pytest.mark.parametrize(
    ("local", "expected_utc"),
    [
        # Spring forward (29 March 2026, 02:00 → 03:00): 07:00 is already summer time, UTC+2.
        (dt.datetime(2026, 3, 28, 23, 0, tzinfo=PARIS), dt.datetime(2026, 3, 29, 5, 0, tzinfo=dt.UTC)),
        (dt.datetime(2026, 3, 29, 1, 30, tzinfo=PARIS), dt.datetime(2026, 3, 29, 5, 0, tzinfo=dt.UTC)),
        # Fall back: 07:00 winter time, UTC+1.
        (dt.datetime(2026, 10, 25, 2, 30, tzinfo=PARIS), dt.datetime(2026, 10, 25, 6, 0, tzinfo=dt.UTC)),
        (dt.datetime(2026, 10, 25, 7, 0, tzinfo=PARIS), None),  # the window has ended
        (dt.datetime(2026, 10, 25, 21, 59, tzinfo=PARIS), None),
    ],
)
def test_quiet_window_end_follows_the_wall_clock_of_the_zone(local, expected_utc):
    window = quiet_window_parse("22:00-07:00")

    assert quiet_release_at(window, local.astimezone(dt.UTC), PARIS) == expected_utc


def test_daily_digest_time_is_local_across_a_dst_change():
    # Written on the evening of 24 October (summer time); due at 08:00 on the 25th, which is winter time.
    written = dt.datetime(2026, 10, 24, 20, 0, tzinfo=dt.UTC)

    assert digest_due_at("daily", written, PARIS, dt.time(8, 0)) == dt.datetime(2026, 10, 25, 7, 0, tzinfo=dt.UTC)
    assert digest_due_at("hourly", written, PARIS, dt.time(8, 0)) == dt.datetime(2026, 10, 24, 21, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("text", ["22:00", "25:00-07:00", "07:00-07:00", "late"])
def test_a_quiet_window_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError, match="window"):
        quiet_window_parse(text)


def test_pause_skips_optional_notifications_with_the_reason_and_mandatory_ones_still_go(as_alice, alice):
    as_alice.post(reverse("notifications:pause"), {"until": "week"})

    send_notification("task_assigned", users=[alice])
    send_notification("security_alert", users=[alice])

    optional = rows_of(alice)
    assert {(row.status, row.reason) for row in optional.values()} == {("skipped", "paused"), ("skipped", "opted_out")}
    assert optional["email"].reason == "paused"
    mandatory = rows_of(alice, "security_alert")
    assert {row.status for row in mandatory.values()} == {"pending"}
    assert mandatory["email"].source == "mandatory, sent although paused"
    page = as_alice.get(reverse("notifications:preferences")).content.decode()
    assert "Paused" in page and "Security alert" in page


def test_resuming_sends_again(as_alice, alice):
    as_alice.post(reverse("notifications:pause"), {"until": "resume"})
    as_alice.post(reverse("notifications:pause"), {"until": "none"})

    send_notification("task_assigned", users=[alice])

    assert rows_of(alice)["email"].status == "pending"


def test_unsubscribe_from_all_email_is_one_click_without_login_and_leaves_mandatory_email(alice, acme):
    path = reverse("notifications:unsubscribe-all", args=[unsubscribe_all_token_make(user_id=alice.pk)])
    anonymous = client_for("acme.localhost")

    confirm = anonymous.get(path)
    # The one-click request of RFC 8058 is a POST with this body and no CSRF token.
    done = anonymous.post(path, {"List-Unsubscribe": "One-Click"})

    assert confirm.status_code == 200 and "Unsubscribe from all email?" in confirm.content.decode()
    assert done.status_code == 200 and "unsubscribed from all email" in done.content.decode()
    send_notification("task_assigned", users=[alice])
    send_notification("security_alert", users=[alice])
    assert (rows_of(alice)["email"].status, rows_of(alice)["email"].reason) == ("skipped", "unsubscribed_all")
    assert rows_of(alice)["in_app"].status == "pending"
    assert rows_of(alice, "security_alert")["email"].status == "pending"
    assert rows_of(alice, "security_alert")["email"].source == "mandatory, sent although unsubscribed from all email"


def test_a_forged_unsubscribe_from_all_token_changes_nothing(alice, acme):
    response = client_for("acme.localhost").post(reverse("notifications:unsubscribe-all", args=["forged"]))

    assert response.status_code == 400
    assert alice.preferences["notifications__email_unsubscribed_all"] is False


@pytest.fixture
def critical_notification(in_acme):
    declaration = Notification(
        name="server_down", display_name="Server down", backends=("in_app",), default={"in_app": True}, critical=True
    )
    registry.register(declaration)
    notifications_sync()
    yield declaration
    registry.unregister("server_down")


def test_critical_notifications_bypass_quiet_hours_and_pause(night_owl, critical_notification, clock):
    at(clock, 2026, 10, 24, 21, 0)  # inside alice's quiet hours
    send_notification("server_down", users=[night_owl])
    night_owl.preferences["notifications__paused_until"] = "2026-11-01T00:00+00:00"
    send_notification("server_down", users=[night_owl])
    send_notification("task_assigned", users=[night_owl])

    statuses = list(Delivery.objects.filter(notification_type__name="server_down").values_list("status", flat=True))
    assert statuses == ["pending", "pending"]
    assert rows_of(night_owl)["in_app"].reason == "paused"


def test_reading_when_people_hear_costs_the_same_for_3_or_30_people(person):
    people = [person(f"p{index}") for index in range(30)]
    for someone in people[::2]:
        someone.preferences["locale__time_zone"] = "Europe/Paris"
        someone.preferences["notifications__quiet_sms"] = "22:00-07:00"

    def queries_for(crowd: list) -> int:
        with CaptureQueriesContext(connection) as captured:
            timings = timings_load([p.pk for p in crowd], categories=["Projects"], backends=["sms", "email"])
        assert timings[people[0].pk].zone.key == "Europe/Paris" and "sms" in timings[people[0].pk].quiet
        assert timings[people[1].pk].zone.key == "UTC" and timings[people[1].pk].quiet == {}
        return len([q for q in captured.captured_queries if not q["sql"].startswith("SET search_path")])

    queries_for(people[:3])  # a worker's snapshot of the tenant (organisation defaults too) is warm after one task
    few, many = queries_for(people[:3]), queries_for(people)
    # Own values in one query, the sample recipient, and that recipient's values with their groups' defaults.
    assert few == many == 3


def test_optional_emails_link_to_unsubscribe_from_all_and_mandatory_ones_do_not(
    person, mailoutbox, django_capture_on_commit_callbacks
):
    alice = person("alice")
    alice.email = "alice@example.com"
    alice.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        send_notification("task_assigned", users=[alice])
        send_notification("security_alert", users=[alice])

    optional, mandatory = sorted(mailoutbox, key=lambda message: "task" not in message.subject.lower())
    assert "/notifications/unsubscribe-all/" in optional.body
    assert "/notifications/unsubscribe-all/" not in mandatory.body
