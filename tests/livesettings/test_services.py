import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.livesettings.registry import live_settings_registry
from apps.livesettings.selectors import format_value, live_setting_site_value
from apps.livesettings.services import (
    live_setting_reset,
    live_setting_revert,
    live_setting_set,
    tenant_override_reset,
    tenant_override_set,
)
from apps.preferences.models import GlobalPreference
from apps.preferences.services import StaleValueError
from apps.preferences.site.models import SitePreference, SitePreferenceChange


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("SESSION_EXPIRE_SECONDS", 59, "between 1 minute and 30 days"),
        ("SESSION_EXPIRE_SECONDS", 30 * 86400 + 1, "between 1 minute and 30 days"),
        ("SESSION_EXPIRE_SECONDS", "soon", "Enter a duration: a number and a unit, such as 2 hours."),
        ("SESSION_EXPIRE_SECONDS", "9" * 5000, "Enter a duration: a number and a unit, such as 2 hours."),
        ("SESSION_EXPIRE_SECONDS", True, "Enter a duration: a number and a unit, such as 2 hours."),
        ("SESSION_EXPIRE_SECONDS", "", "Enter a value."),
        ("MAINTENANCE_MODE", "perhaps", "Enter true or false"),
        ("MAINTENANCE_MESSAGE", "   ", "Enter the message people should see."),
        ("MAINTENANCE_MESSAGE", "x" * 1001, "at most 1000 characters"),
        ("DEFAULT_FROM_EMAIL", "not an address", "Enter a valid email address."),
        ("DEFAULT_FROM_EMAIL", "a" * 300 + "@example.com", "at most 254 characters"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(db, committed, setting, value, message):
    committed(live_setting_set, setting="SESSION_EXPIRE_SECONDS", value=1200)
    before = SitePreferenceChange.objects.count()
    old_value = getattr(settings, setting)

    with pytest.raises(ValidationError) as error:
        committed(live_setting_set, setting=setting, value=value, actor="tester")

    assert any(message in text for text in error.value.messages), error.value.messages
    assert SitePreferenceChange.objects.count() == before
    assert getattr(settings, setting) == old_value
    assert settings.SESSION_EXPIRE_SECONDS == 1200


def test_a_change_is_recorded_with_who_when_and_source(db, committed):
    committed(live_setting_set, setting="SESSION_EXPIRE_SECONDS", value="900", actor="root", source="command")

    change = SitePreferenceChange.objects.get()
    assert (change.key, change.old_raw_value, change.new_raw_value) == ("sessions__session_expire_seconds", None, "900")
    assert (change.changed_by, change.source) == ("root", "command")


def test_reset_goes_back_to_the_settings_py_value(db, committed):
    committed(live_setting_set, setting="MAINTENANCE_MODE", value="on")
    assert settings.MAINTENANCE_MODE is True

    committed(live_setting_reset, setting="MAINTENANCE_MODE", actor="root")

    assert settings.MAINTENANCE_MODE is False
    assert not SitePreference.objects.filter(name="maintenance_mode").exists()


def test_revert_puts_back_the_previous_value(db, committed):
    committed(live_setting_set, setting="SESSION_EXPIRE_SECONDS", value=900)
    committed(live_setting_set, setting="SESSION_EXPIRE_SECONDS", value=120)
    latest = SitePreferenceChange.objects.order_by("-id").first()

    committed(live_setting_revert, change=latest, actor="root")

    assert settings.SESSION_EXPIRE_SECONDS == 900
    assert SitePreferenceChange.objects.order_by("-id").first().source == "revert"


def test_an_override_longer_than_the_site_value_is_refused(acme, committed):
    committed(live_setting_set, setting="SESSION_EXPIRE_SECONDS", value=3600)

    with schema_context("acme"), pytest.raises(ValidationError) as error:
        committed(tenant_override_set, setting="SESSION_EXPIRE_SECONDS", value=3601, actor="olivia")

    assert error.value.messages == ["May not be more than the site's value, 1 hour."]
    with schema_context("acme"):
        assert not GlobalPreference.objects.exists()
        assert settings.SESSION_EXPIRE_SECONDS == 3600


def test_an_override_below_the_site_minimum_is_refused(acme):
    with schema_context("acme"), pytest.raises(ValidationError, match="between 1 minute and 30 days"):
        tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=30)


def test_settings_owners_may_not_override_are_refused(acme):
    with schema_context("acme"), pytest.raises(ValidationError, match="may not change MAINTENANCE_MODE"):
        tenant_override_set(setting="MAINTENANCE_MODE", value=True)


def test_an_override_can_be_removed_so_the_site_value_applies(acme, committed):
    with schema_context("acme"):
        committed(tenant_override_set, setting="SESSION_EXPIRE_SECONDS", value=600)
        assert settings.SESSION_EXPIRE_SECONDS == 600

        committed(tenant_override_reset, setting="SESSION_EXPIRE_SECONDS")

        assert settings.SESSION_EXPIRE_SECONDS == 8 * 3600


def test_unknown_settings_raise_key_error(db):
    with pytest.raises(KeyError, match="is not a live setting"):
        live_setting_set(setting="SECRET_KEY", value="x")


def test_reverting_a_change_made_stale_by_a_later_one_is_refused(db, committed):
    committed(live_setting_set, setting="SESSION_EXPIRE_SECONDS", value=900, actor="root")
    committed(live_setting_set, setting="SESSION_EXPIRE_SECONDS", value=120, actor="root")
    change = SitePreferenceChange.objects.order_by("-id").first()
    committed(live_setting_set, setting="SESSION_EXPIRE_SECONDS", value=600, actor="other-admin")
    history = SitePreferenceChange.objects.count()

    with pytest.raises(StaleValueError) as error:
        committed(live_setting_revert, change=change, actor="root")

    assert settings.SESSION_EXPIRE_SECONDS == 600
    assert SitePreferenceChange.objects.count() == history
    assert (error.value.current_value, error.value.changed_by) == (600, "other-admin")


def test_a_forced_revert_puts_the_old_value_back_over_a_later_change(db, committed):
    committed(live_setting_set, setting="SESSION_EXPIRE_SECONDS", value=900)
    committed(live_setting_set, setting="SESSION_EXPIRE_SECONDS", value=120)
    change = SitePreferenceChange.objects.order_by("-id").first()
    committed(live_setting_set, setting="SESSION_EXPIRE_SECONDS", value=600)

    result = committed(live_setting_revert, change=change, actor="root", force=True)

    assert settings.SESSION_EXPIRE_SECONDS == 900
    assert (result.old_value, result.new_value) == (600, 900)


@pytest.mark.parametrize("value", ["/goodbye/", "https://sso.example.com/start", "login"])
def test_session_timeout_redirect_takes_a_path_a_url_or_a_page_name(db, value):
    live_setting_set(setting="SESSION_TIMEOUT_REDIRECT", value=value)

    assert live_setting_site_value(setting="SESSION_TIMEOUT_REDIRECT") == value


@pytest.mark.parametrize("value", ["", "//evil.example.com/", "no-such-page", "ftp://example.com/"])
def test_session_timeout_redirect_refuses_what_is_not_a_page(db, value):
    with pytest.raises(ValidationError):
        live_setting_set(setting="SESSION_TIMEOUT_REDIRECT", value=value)


# --- locked by the environment ----------------------------------------------------------------------------
def test_the_environments_value_wins_and_writes_are_refused_with_the_reason(db, committed, monkeypatch):
    committed(live_setting_set, setting="MAINTENANCE_RETRY_AFTER_SECONDS", value=900)
    monkeypatch.setenv("LIVE_SETTING_MAINTENANCE_RETRY_AFTER_SECONDS", "1200")

    assert settings.MAINTENANCE_RETRY_AFTER_SECONDS == 1200
    for write in (
        lambda: live_setting_set(setting="MAINTENANCE_RETRY_AFTER_SECONDS", value=600),
        lambda: live_setting_reset(setting="MAINTENANCE_RETRY_AFTER_SECONDS"),
        lambda: live_setting_revert(change=SitePreferenceChange.objects.get()),
    ):
        with pytest.raises(ValidationError, match="LIVE_SETTING_MAINTENANCE_RETRY_AFTER_SECONDS"):
            write()
    assert SitePreferenceChange.objects.count() == 1
    monkeypatch.delenv("LIVE_SETTING_MAINTENANCE_RETRY_AFTER_SECONDS")
    assert settings.MAINTENANCE_RETRY_AFTER_SECONDS == 900


def test_a_locked_setting_beats_a_tenants_override_and_refuses_new_ones(acme, committed, monkeypatch):
    with schema_context("acme"):
        committed(tenant_override_set, setting="SESSION_EXPIRE_SECONDS", value=600)
        monkeypatch.setenv("LIVE_SETTING_SESSION_EXPIRE_SECONDS", "3600")

        assert settings.SESSION_EXPIRE_SECONDS == 3600
        with pytest.raises(ValidationError, match="Locked by the environment"):
            tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=300)


# --- secret -----------------------------------------------------------------------------------------------
def test_a_secret_is_set_and_read_as_settings_but_never_formatted(db, committed):
    committed(live_setting_set, setting="EMAIL_HOST_PASSWORD", value="hunter2")

    preference = live_settings_registry.get("EMAIL_HOST_PASSWORD")
    assert settings.EMAIL_HOST_PASSWORD == "hunter2"
    assert format_value(preference, "hunter2") == "••••••••"
    assert format_value(preference, "") == "not set"
