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


# --- locked by the environment ----------------------------------------------------------------------------
def test_an_environment_variable_locks_a_setting_to_its_value_read_as_the_console_reads_it(monkeypatch):
    monkeypatch.setenv("LIVE_SETTING_MAINTENANCE_MODE", "on")

    lock = live_settings_registry.get("MAINTENANCE_MODE").env_lock()

    assert lock is not None and lock.value is True and lock.error == ""
    assert lock.reason == (
        "Locked by the environment variable LIVE_SETTING_MAINTENANCE_MODE; change or remove it there and restart."
    )


def test_a_refused_environment_value_still_locks_to_the_settings_py_value(monkeypatch):
    monkeypatch.setenv("LIVE_SETTING_SESSION_EXPIRE_SECONDS", "5")

    lock = live_settings_registry.get("SESSION_EXPIRE_SECONDS").env_lock()

    assert lock is not None and lock.value == 8 * 3600
    assert "between 1 minute and 30 days" in lock.error


def test_without_the_variable_nothing_is_locked():
    assert live_settings_registry.get("MAINTENANCE_MODE").env_lock() is None


def test_a_secret_setting_may_not_be_overridden_by_tenants():
    class Token(LiveSettingMixin, IntegerPreference):
        setting = "SESSION_EXPIRE_SECONDS"
        name = "secret_token_probe"
        section = "testing"
        secret = True
        tenant_override = TenantOverride.ANY

    with pytest.raises(ImproperlyConfigured, match="secret"):
        live_setting(Token)
