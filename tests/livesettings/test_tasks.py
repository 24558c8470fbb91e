"""The beat task that applies scheduled live-setting changes (called with a given time: no sleeping)."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.livesettings.models import ScheduledChange
from apps.livesettings.services import scheduled_change_cancel, scheduled_change_create, scheduled_changes_apply
from apps.livesettings.tasks import apply_scheduled_changes
from apps.preferences.site.models import SitePreferenceChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def tonight():
    """22:00 and 23:00 of tomorrow, in the site's time zone."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    at = datetime.datetime.combine(day, datetime.time(22), tzinfo=timezone.get_current_timezone())
    return at, at + datetime.timedelta(hours=1)


def test_maintenance_goes_on_at_its_time_and_off_an_hour_later(tonight, django_capture_on_commit_callbacks):
    on_at, off_at = tonight
    scheduled_change_create(setting="MAINTENANCE_MODE", value=True, run_at=on_at, actor="root")
    scheduled_change_create(setting="MAINTENANCE_MODE", value="off", run_at=off_at, actor="root")

    with django_capture_on_commit_callbacks(execute=True):
        early = scheduled_changes_apply(now=on_at - datetime.timedelta(seconds=1))
    assert early == [] and settings.MAINTENANCE_MODE is False
    with django_capture_on_commit_callbacks(execute=True):
        applied = scheduled_changes_apply(now=on_at + datetime.timedelta(seconds=30))
    assert [change.state for change in applied] == ["applied"]
    assert settings.MAINTENANCE_MODE is True
    with django_capture_on_commit_callbacks(execute=True):
        scheduled_changes_apply(now=off_at)

    assert settings.MAINTENANCE_MODE is False
    history = SitePreferenceChange.objects.filter(name="maintenance_mode").order_by("id")
    assert [(c.source, c.changed_by, c.new_raw_value) for c in history] == [
        ("schedule", "root", "true"),
        ("schedule", "root", "false"),
    ]
    assert not ScheduledChange.objects.filter(state="pending").exists()


def test_a_change_is_applied_once_however_often_the_task_runs(tonight):
    on_at, _ = tonight
    scheduled_change_create(setting="SESSION_EXPIRE_SECONDS", value=600, run_at=on_at)

    scheduled_changes_apply(now=on_at)
    scheduled_changes_apply(now=on_at + datetime.timedelta(minutes=1))

    assert SitePreferenceChange.objects.filter(name="session_expire_seconds").count() == 1


def test_a_cancelled_change_is_never_applied(tonight):
    on_at, _ = tonight
    change = scheduled_change_create(setting="MAINTENANCE_MODE", value=True, run_at=on_at)

    assert scheduled_change_cancel(change=change, actor="root") is True
    scheduled_changes_apply(now=on_at)

    change.refresh_from_db()
    assert (change.state, change.done_by) == ("cancelled", "root")
    assert settings.MAINTENANCE_MODE is False
    assert scheduled_change_cancel(change=change) is False


def test_a_scheduled_reset_puts_the_settings_py_value_back(tonight):
    on_at, off_at = tonight
    scheduled_change_create(setting="SESSION_EXPIRE_SECONDS", value=600, run_at=on_at)
    scheduled_change_create(setting="SESSION_EXPIRE_SECONDS", value=None, reset=True, run_at=off_at)

    scheduled_changes_apply(now=off_at)

    assert settings.SESSION_EXPIRE_SECONDS == 8 * 60 * 60
    last = SitePreferenceChange.objects.filter(name="session_expire_seconds").latest("id")
    assert (last.source, last.new_raw_value) == ("schedule", None)


def test_a_change_refused_by_todays_rules_fails_with_the_reason_and_the_rest_apply(tonight):
    on_at, _ = tonight
    refused = ScheduledChange.objects.create(setting="SESSION_EXPIRE_SECONDS", raw_value="5", run_at=on_at)
    scheduled_change_create(setting="MAINTENANCE_RETRY_AFTER_SECONDS", value=900, run_at=on_at)

    scheduled_changes_apply(now=on_at)

    refused.refresh_from_db()
    assert refused.state == "failed" and "between 1 minute and 30 days" in refused.error
    assert settings.MAINTENANCE_RETRY_AFTER_SECONDS == 900


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("SESSION_EXPIRE_SECONDS", 5, "between 1 minute and 30 days"),
        ("MAINTENANCE_MODE", "maybe", "Enter true or false"),
    ],
)
def test_a_refused_value_is_not_scheduled(tonight, setting, value, message):
    with pytest.raises(ValidationError, match=message):
        scheduled_change_create(setting=setting, value=value, run_at=tonight[0])

    assert not ScheduledChange.objects.exists()


def test_a_time_in_the_past_is_refused():
    with pytest.raises(ValidationError, match="in the future"):
        scheduled_change_create(
            setting="MAINTENANCE_MODE", value=True, run_at=timezone.now() - datetime.timedelta(minutes=1)
        )


def test_the_beat_task_applies_what_is_due_now(tonight):
    on_at, _ = tonight
    ScheduledChange.objects.create(
        setting="MAINTENANCE_RETRY_AFTER_SECONDS",
        raw_value="1200",
        run_at=timezone.now() - datetime.timedelta(seconds=5),
    )
    ScheduledChange.objects.create(setting="MAINTENANCE_MODE", raw_value="true", run_at=on_at)

    assert apply_scheduled_changes.delay().get() == 1

    assert settings.MAINTENANCE_RETRY_AFTER_SECONDS == 1200
    assert settings.MAINTENANCE_MODE is False


def test_beat_runs_the_task_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["livesettings-apply-scheduled-changes"]

    assert entry == {"task": "apps.livesettings.tasks.apply_scheduled_changes", "schedule": 60.0}
