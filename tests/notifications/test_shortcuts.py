import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django_tenants.utils import schema_context

from apps.notifications.backends import backend_get
from apps.notifications.models import Delivery, NotificationSetting
from apps.notifications.selectors import preference_resolve
from apps.notifications.services import MandatoryNotificationError
from apps.notifications.shortcuts import clear_preferences, send_notification, update_preferences
from tests.conftest import make_user
from tests.notifications.conftest import group


def test_update_preferences_reports_created_then_only_what_changed(person):
    alice = person("alice")

    first = update_preferences("task_assigned", alice, {"email": False, "sms": True})
    second = update_preferences("task_assigned", alice, {"email": False, "sms": False, "in_app": True})

    assert first == {"email": "created", "sms": "created"}
    assert second == {"sms": "updated", "in_app": "created"}


def test_update_preferences_accepts_backend_objects_and_groups(person):
    sales = group("Sales")

    result = update_preferences("task_assigned", sales, {backend_get("sms"): True})

    assert result == {"sms": "created"}
    assert NotificationSetting.objects.get(scope="group", group=sales).value is True


def test_unknown_backend_raises_naming_it_and_writes_nothing(person):
    alice = person("alice")

    with pytest.raises(ValueError, match="pigeon"):
        update_preferences("task_assigned", alice, {"email": False, "pigeon": True})

    assert not NotificationSetting.objects.exists()


def test_backend_the_notification_does_not_allow_raises_and_writes_nothing(person):
    alice = person("alice")

    with pytest.raises(ValueError, match="sms"):
        update_preferences("weekly_digest", alice, {"email": False, "sms": True})

    assert not NotificationSetting.objects.exists()


def test_missing_permission_raises_permission_denied_and_writes_nothing(person):
    alice = person("alice")

    with pytest.raises(PermissionDenied):
        update_preferences("billing_invoice", alice, {"email": False})

    assert not NotificationSetting.objects.exists()


def test_user_whose_permission_was_revoked_can_still_turn_their_own_preference_off(person):
    alice = person("alice", perms=("notifications.view_billing",))
    update_preferences("billing_invoice", alice, {"email": True})
    alice.user_permissions.clear()

    result = update_preferences("billing_invoice", alice, {"email": False})

    assert result == {"email": "updated"}
    with pytest.raises(PermissionDenied):
        update_preferences("billing_invoice", alice, {"email": True})


def test_mandatory_cannot_be_turned_off_through_the_shortcut(person):
    alice = person("alice")

    with pytest.raises(MandatoryNotificationError):
        update_preferences("security_alert", alice, {"email": False})

    assert not NotificationSetting.objects.exists()
    assert preference_resolve(user=alice, notification="security_alert", backend="email").value is True


def test_clear_preferences_falls_back_to_groups(person):
    alice = person("alice", groups=("Sales",))
    bob = person("bob")
    update_preferences("task_assigned", group("Sales"), {"sms": True})
    update_preferences("task_assigned", alice, {"sms": False, "email": False})
    update_preferences("weekly_digest", bob, {"email": False})

    removed = clear_preferences([alice, bob])

    assert removed == 3
    assert preference_resolve(user=alice, notification="task_assigned", backend="sms").source == "group:Sales"
    assert NotificationSetting.objects.filter(scope="group").count() == 1


def test_clear_preferences_takes_a_single_user(person):
    alice = person("alice")
    update_preferences("task_assigned", alice, {"sms": True})

    assert clear_preferences(alice) == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_writers_of_one_preference_leave_one_row_and_no_error(committed_tenants):
    from django_tenants.utils import schema_context

    from tests.conftest import make_user
    from tests.support.concurrency import run_at_once

    alice = make_user(committed_tenants["acme"], "alice")

    def write(value):
        update_preferences("task_assigned", alice, {"email": value})

    run_at_once(write, (True, False), schema="acme")  # raises what either writer raised

    with schema_context("acme"):
        assert NotificationSetting.objects.filter(user=alice, backend__name="email").count() == 1


def test_preferences_groups_and_deliveries_stay_in_their_tenant(acme, globex):
    acme_alice = make_user(acme, "alice", groups=("Sales",))
    globex_gina = make_user(globex, "gina", groups=("Sales",))
    with schema_context("acme"):
        update_preferences("task_assigned", Group.objects.get(name="Sales"), {"sms": True})
        update_preferences("task_assigned", acme_alice, {"email": False})
        send_notification("task_assigned", users=[acme_alice])

    with schema_context("globex"):
        sms = preference_resolve(user=globex_gina, notification="task_assigned", backend="sms")
        email = preference_resolve(user=globex_gina, notification="task_assigned", backend="email")
        assert (sms.value, sms.source) == (False, "default")
        assert (email.value, email.source) == (True, "default")
        assert not NotificationSetting.objects.exists()
        assert not Delivery.objects.exists()
    with schema_context("acme"):
        assert NotificationSetting.objects.count() == 2
        assert Delivery.objects.count() == 3
