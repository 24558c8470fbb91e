"""Syncing the declared notifications: by the sync itself, on provisioning, on migration and by the command."""

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from apps.notifications.models import NotificationSetting, NotificationType
from apps.notifications.registry import Notification, registry
from apps.notifications.shortcuts import update_preferences
from apps.notifications.sync import notifications_sync
from apps.tenants.models import Tenant
from apps.tenants.signals import tenant_ready
from tests.conftest import make_user


@pytest.fixture
def temporary():
    """Declare a notification the schemas do not know yet, as new code would before its deploy."""
    declaration = registry.register(Notification(name="temporary", display_name="Temporary", backends=("email",)))
    yield declaration
    registry.unregister("temporary")


def synced(schema: str) -> set[str]:
    with schema_context(schema):
        return set(NotificationType.objects.filter(is_active=True).values_list("name", flat=True))


def test_sync_marks_a_removed_notification_inactive_and_keeps_its_preferences(acme, temporary):
    alice = make_user(acme, "alice")
    with schema_context("acme"):
        notifications_sync()
        update_preferences("temporary", alice, {"email": True})
        registry.unregister("temporary")

        notifications_sync()

        assert NotificationType.objects.get(name="temporary").is_active is False
        assert NotificationSetting.objects.filter(notification_type__name="temporary").count() == 1
        registry.register(temporary)
        notifications_sync()
        assert NotificationType.objects.get(name="temporary").is_active is True


def test_notifications_are_autodiscovered_and_synced_into_new_tenant_schemas(acme):
    assert {"task_assigned", "weekly_digest", "security_alert", "billing_invoice"} <= synced("acme")


def test_a_provisioned_tenant_is_synced_when_it_becomes_ready(acme, temporary):
    with schema_context("acme"):
        tenant_ready.send(sender=Tenant, tenant=acme)

    assert "temporary" in synced("acme")


def test_migrating_a_tenant_schema_syncs_it(acme, globex, temporary):
    call_command("migrate_schemas", schema_name="acme", interactive=False, verbosity=0)

    assert "temporary" in synced("acme")
    assert "temporary" not in synced("globex")


def test_the_command_syncs_every_ready_tenant(acme, globex, temporary):
    call_command("notifications_sync", verbosity=0)

    assert "temporary" in synced("acme")
    assert "temporary" in synced("globex")
