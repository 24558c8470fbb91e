import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.livesettings.registry import LiveSettingMixin, TenantOverride, live_setting, live_settings_registry
from apps.preferences.registries import global_preferences_registry, site_preferences_registry
from apps.preferences.types import IntegerPreference


def test_required_live_settings_are_registered_as_site_preferences_with_settings_py_defaults(settings):
    names = {p.setting for p in live_settings_registry}

    assert {
        "SESSION_EXPIRE_SECONDS",
        "SESSION_EXPIRE_AFTER_LAST_ACTIVITY",
        "SESSION_EXPIRE_GRACE_SECONDS",
        "MAINTENANCE_MODE",
        "MAINTENANCE_MESSAGE",
        "DEFAULT_FROM_EMAIL",
    } <= names
    assert len(names) >= 8
    expiry = live_settings_registry.get("SESSION_EXPIRE_SECONDS")
    assert expiry.identifier in site_preferences_registry
    assert expiry.get_default() == 8 * 60 * 60
    assert expiry.bounds() == (60, 30 * 24 * 60 * 60)


def test_only_session_expiry_is_overridable_and_shorter_only():
    expiry = live_settings_registry.get("SESSION_EXPIRE_SECONDS")
    override = live_settings_registry.override("SESSION_EXPIRE_SECONDS")

    assert expiry.tenant_override == TenantOverride.LOWER
    assert override.identifier == "livesettings__session_expire_seconds"
    assert override.identifier in global_preferences_registry
    assert override.get_default() is None
    assert live_settings_registry.override("MAINTENANCE_MODE") is None
    assert [p.setting for p in live_settings_registry.overridable()] == ["SESSION_EXPIRE_SECONDS"]


def test_unknown_name_is_refused_with_the_list_of_live_settings():
    with pytest.raises(KeyError, match="SESSION_EXPIRE_SECONDS"):
        live_settings_registry.get("SESION_EXPIRE")


def test_a_setting_without_a_settings_py_value_cannot_be_registered():
    class Missing(LiveSettingMixin, IntegerPreference):
        setting = "NO_SUCH_SETTING_ANYWHERE"
        section = "testing"

    with pytest.raises(ImproperlyConfigured, match="NO_SUCH_SETTING_ANYWHERE"):
        live_setting(Missing)


def test_registration_reads_the_default_from_settings_py_and_can_be_undone(settings):
    class Temporary(LiveSettingMixin, IntegerPreference):
        setting = "EMAIL_PORT"
        section = "testing"

    live_setting(Temporary)
    try:
        assert live_settings_registry.get("EMAIL_PORT").get_default() == 25
        assert "testing__email_port" in site_preferences_registry
    finally:
        live_settings_registry.unregister("EMAIL_PORT")
    assert "testing__email_port" not in site_preferences_registry
