from types import SimpleNamespace

from django.conf import settings
from django.test import override_settings
from django_tenants.utils import schema_context

from apps.livesettings import overlay
from apps.livesettings.overlay import LiveSettingsOverlay, settings_py_value
from apps.livesettings.services import live_setting_set, tenant_override_set


def test_settings_answer_the_live_value_after_a_change(db, django_capture_on_commit_callbacks):
    assert settings.SESSION_EXPIRE_SECONDS == 8 * 60 * 60

    with django_capture_on_commit_callbacks(execute=True):
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="tester")

    assert settings.SESSION_EXPIRE_SECONDS == 900
    assert settings_py_value("SESSION_EXPIRE_SECONDS") == 8 * 60 * 60


def test_live_settings_are_never_cached_by_lazy_settings(db, django_capture_on_commit_callbacks):
    settings.DEFAULT_FROM_EMAIL  # noqa: B018
    settings.TIME_ZONE  # noqa: B018

    assert "DEFAULT_FROM_EMAIL" not in settings.__dict__
    assert "TIME_ZONE" in settings.__dict__  # Unregistered settings keep Django's cache.
    with django_capture_on_commit_callbacks(execute=True):
        live_setting_set(setting="DEFAULT_FROM_EMAIL", value="Portal <noreply@example.com>")
    assert settings.DEFAULT_FROM_EMAIL == "Portal <noreply@example.com>"


def test_unregistered_settings_are_untouched():
    assert isinstance(settings._wrapped, LiveSettingsOverlay)
    assert settings.PUBLIC_SCHEMA_NAME == "public"
    assert settings.is_overridden("SESSION_EXPIRE_SECONDS") is True  # set in settings.py
    assert settings.is_overridden("APPEND_SLASH") is False


def test_override_settings_wins_over_the_live_value(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900)

    with override_settings(SESSION_EXPIRE_SECONDS=5):
        assert settings.SESSION_EXPIRE_SECONDS == 5
    assert settings.SESSION_EXPIRE_SECONDS == 900


def test_the_settings_fixture_and_setting_changed_listeners_see_overrides(settings):
    from django.core.signals import setting_changed

    seen = []

    def listener(setting, value, enter, **kwargs):
        seen.append((setting, value, enter))

    setting_changed.connect(listener)
    try:
        settings.MAINTENANCE_MODE = True
        from django.conf import settings as django_settings

        assert django_settings.MAINTENANCE_MODE is True
    finally:
        setting_changed.disconnect(listener)
    assert ("MAINTENANCE_MODE", True, True) in seen


def test_a_tenant_override_applies_on_that_tenant_only(acme, globex, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=3600)
        with schema_context("acme"):
            tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=600)

    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == 600
    with schema_context("globex"):
        assert settings.SESSION_EXPIRE_SECONDS == 3600
    assert settings.SESSION_EXPIRE_SECONDS == 3600  # public schema: the site's value


def test_a_later_lower_site_value_caps_an_existing_override(acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), schema_context("acme"):
        tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=1800)
    with django_capture_on_commit_callbacks(execute=True):
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=300)

    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == 300


def test_the_overlay_asks_only_what_install_gave_it_which_names_are_live_and_their_values(monkeypatch):
    asked = []
    monkeypatch.setattr(overlay, "_is_live", lambda name: name == "LIVE_NAME")
    monkeypatch.setattr(overlay, "_resolve", lambda name: asked.append(name) or "live value")
    wrapped = LiveSettingsOverlay(SimpleNamespace(LIVE_NAME="settings.py value", OTHER="other"))

    assert (wrapped.LIVE_NAME, wrapped.OTHER) == ("live value", "other")
    assert asked == ["LIVE_NAME"]
