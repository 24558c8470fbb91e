from django_tenants.utils import schema_context

from apps.notifications.models import Delivery, NotificationSetting, NotificationType
from apps.notifications.registry import Notification, registry
from apps.notifications.selectors import preference_resolve
from apps.notifications.shortcuts import send_notification, update_preferences
from apps.notifications.sync import notifications_sync
from tests.conftest import make_user


def test_preferences_groups_and_deliveries_stay_in_their_tenant(acme, globex):
    acme_alice = make_user(acme, "alice", groups=("Sales",))
    globex_gina = make_user(globex, "gina", groups=("Sales",))
    with schema_context("acme"):
        from django.contrib.auth.models import Group

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


def test_sync_marks_a_removed_notification_inactive_and_keeps_its_preferences(acme):
    alice = make_user(acme, "alice")
    declaration = registry.register(Notification(name="temporary", display_name="Temporary", backends=("email",)))
    try:
        with schema_context("acme"):
            update_preferences("temporary", alice, {"email": True})
            registry.unregister("temporary")

            notifications_sync()

            assert NotificationType.objects.get(name="temporary").is_active is False
            assert NotificationSetting.objects.filter(notification_type__name="temporary").count() == 1
            registry.register(declaration)
            notifications_sync()
            assert NotificationType.objects.get(name="temporary").is_active is True
    finally:
        registry.unregister("temporary")


def test_notifications_are_autodiscovered_and_synced_into_new_tenant_schemas(acme):
    with schema_context("acme"):
        names = set(NotificationType.objects.values_list("name", flat=True))

    assert {"task_assigned", "weekly_digest", "security_alert", "billing_invoice"} <= names


def test_a_backend_in_use_cannot_be_deleted(acme):
    import pytest
    from django.db.models import ProtectedError

    from apps.notifications.models import Backend

    with schema_context("acme"):
        notifications_sync()
        with pytest.raises(ProtectedError):
            Backend.objects.get(name="email").delete()
