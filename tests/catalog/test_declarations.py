"""The portal's declarations are discovered by each engine at start-up, under their unchanged keys."""

from apps.livesettings.registry import live_settings_registry
from apps.notifications.registry import registry as notification_registry
from apps.preferences.registries import global_preferences_registry, user_preferences_registry


def test_the_portal_preferences_are_registered_from_the_catalog():
    assert {"general__title", "general__support_email", "general__max_upload_mb", "locale__week_start"} <= set(
        global_preferences_registry.keys()
    )
    assert {"appearance__theme", "appearance__items_per_page", "appearance__compact_tables", "locale__time_zone"} <= (
        set(user_preferences_registry.keys())
    )
    assert type(global_preferences_registry.get("general__title")).__module__ == "apps.catalog.preferences"


def test_the_portal_notifications_are_registered_from_the_catalog():
    names = {notification.name for notification in notification_registry.all()}

    assert {"task_assigned", "weekly_digest", "security_alert", "billing_invoice", "test_message"} <= names


def test_the_portal_live_settings_are_registered_from_the_catalog():
    maintenance = live_settings_registry.get("MAINTENANCE_MODE")

    assert type(maintenance).__module__ == "apps.catalog.livesettings"
    assert live_settings_registry.get("SESSION_EXPIRE_SECONDS") is not None
