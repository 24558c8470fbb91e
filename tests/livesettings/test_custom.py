"""Custom settings created at runtime: names, types, `settings.NAME` in this and other processes, tenants."""

import datetime
import decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.livesettings.custom import custom_settings_forget, custom_settings_sync, name_problem
from apps.livesettings.registry import live_settings_registry
from apps.livesettings.services import (
    custom_setting_delete,
    custom_setting_save,
    live_setting_set,
    tenant_override_set,
)
from apps.preferences.cache import snapshots_pinned
from apps.preferences.site.models import SitePreferenceChange
from tests.celery_probe import live_setting_probe


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("partner_url", "UPPER_SNAKE_CASE"),
        ("PARTNER__URL", "UPPER_SNAKE_CASE"),
        ("1PARTNER", "UPPER_SNAKE_CASE"),
        ("DATABASES", "Django's or the portal's own settings"),
        ("SECRET_KEY", "Django's or the portal's own settings"),
        ("APPEND_SLASH", "Django's or the portal's own settings"),  # Django's default, not in settings.py
        ("NOTIFICATIONS_MAX_ATTEMPTS", "Django's or the portal's own settings"),  # the portal's own
        ("MAINTENANCE_MODE", "a live setting already"),
        ("SCHEDULED", "reserved"),
        ("PARTNER_API_URL", ""),
    ],
)
def test_names_are_upper_snake_case_and_never_an_existing_setting(name, problem):
    assert (problem in name_problem(name)) if problem else name_problem(name) == ""


@pytest.mark.parametrize(
    ("value_type", "text", "value"),
    [
        ("string", "https://partner.example.com", "https://partner.example.com"),
        ("integer", "42", 42),
        ("decimal", "12.50", decimal.Decimal("12.50")),
        ("boolean", "on", True),
        ("duration", "1:30:00", datetime.timedelta(hours=1, minutes=30)),
        ("json", '{"regions": ["eu", "us"]}', {"regions": ["eu", "us"]}),
    ],
)
def test_a_created_setting_is_read_as_settings_name_with_its_type(db, committed, value_type, text, value):
    committed(custom_setting_save, name="PARTNER_VALUE", value_type=value_type, value=text, actor="root")

    assert getattr(settings, "PARTNER_VALUE") == value  # noqa: B009  (a name settings.py lacks)


@pytest.mark.parametrize(
    ("value_type", "text"),
    [("integer", "many"), ("decimal", "1,5x"), ("boolean", "perhaps"), ("duration", "soon"), ("json", "{nope")],
)
def test_values_are_validated_by_type_and_nothing_is_created(db, value_type, text):
    with pytest.raises(ValidationError) as refused:
        custom_setting_save(name="PARTNER_VALUE", value_type=value_type, value=text)

    assert "value" in refused.value.message_dict
    assert "PARTNER_VALUE" not in live_settings_registry
    assert not hasattr(settings, "PARTNER_VALUE")


def test_a_name_of_djangos_own_settings_is_refused(db):
    with pytest.raises(ValidationError, match="Django's or the portal's own settings"):
        custom_setting_save(name="SECRET_KEY", value_type="string", value="mine")

    assert settings.SECRET_KEY != "mine"


def test_edit_and_delete_are_recorded_in_the_history_and_the_name_goes_away(db, committed):
    committed(custom_setting_save, name="PARTNER_LIMIT", value_type="integer", value="10", actor="root")
    committed(custom_setting_save, name="PARTNER_LIMIT", value_type="integer", value="20", actor="root")
    assert settings.PARTNER_LIMIT == 20
    committed(live_setting_set, setting="PARTNER_LIMIT", value=30, actor="root")
    assert settings.PARTNER_LIMIT == 30

    committed(custom_setting_delete, name="PARTNER_LIMIT", actor="root")

    assert not hasattr(settings, "PARTNER_LIMIT")
    values = SitePreferenceChange.objects.filter(section="custom", name="partner_limit").order_by("id")
    assert [(c.old_raw_value, c.new_raw_value) for c in values] == [(None, "20"), ("20", "30"), ("30", None)]
    definitions = SitePreferenceChange.objects.filter(section="livesettings", name="custom_settings")
    assert definitions.count() == 2  # created, deleted (the edit changed no definition)


def test_an_existing_custom_settings_type_cannot_change(db, committed):
    committed(custom_setting_save, name="PARTNER_LIMIT", value_type="integer", value="10")

    with pytest.raises(ValidationError, match="delete it to change its type"):
        custom_setting_save(name="PARTNER_LIMIT", value_type="string", value="ten")


def test_another_process_learns_of_a_created_setting_at_its_next_request(db, committed):
    committed(custom_setting_save, name="PARTNER_API_URL", value_type="string", value="https://a.example.com")
    custom_settings_forget()  # As a process that has not seen it yet.
    assert "PARTNER_API_URL" not in live_settings_registry

    with snapshots_pinned():  # Its next request.
        assert settings.PARTNER_API_URL == "https://a.example.com"


def test_another_process_forgets_a_deleted_setting_at_its_next_request(db, committed):
    committed(custom_setting_save, name="PARTNER_API_URL", value_type="string", value="https://a.example.com")
    committed(custom_setting_delete, name="PARTNER_API_URL")
    # As a process that still has it registered from before.
    committed(custom_setting_save, name="OTHER_FLAG", value_type="boolean", value="off")
    with snapshots_pinned():
        assert custom_settings_sync() is False
        assert settings.OTHER_FLAG is False
        assert not hasattr(settings, "PARTNER_API_URL")


def test_a_tenant_overrides_only_a_setting_marked_overridable(acme, committed):
    committed(custom_setting_save, name="PARTNER_LIMIT", value_type="integer", value="10")
    committed(custom_setting_save, name="PARTNER_QUOTA", value_type="integer", value="10", overridable=True)

    with schema_context("acme"):
        with pytest.raises(ValidationError, match="may not change PARTNER_LIMIT"):
            tenant_override_set(setting="PARTNER_LIMIT", value=5)
        committed(tenant_override_set, setting="PARTNER_QUOTA", value=5)
        assert (settings.PARTNER_LIMIT, settings.PARTNER_QUOTA) == (10, 5)
    assert settings.PARTNER_QUOTA == 10


def test_a_secret_custom_setting_is_masked_and_never_overridable(db, committed):
    preference = committed(
        custom_setting_save,
        name="SMTP_RELAY_PASSWORD",
        value_type="string",
        value="s3cret",
        secret=True,
        overridable=True,
    )

    assert settings.SMTP_RELAY_PASSWORD == "s3cret"
    assert preference.secret is True
    assert live_settings_registry.override("SMTP_RELAY_PASSWORD") is None


@pytest.mark.worker
def test_a_created_setting_reaches_a_celery_workers_next_task(committed_tenants, celery_worker):
    with pytest.raises(Exception, match="PARTNER_API_URL"):
        live_setting_probe.delay("PARTNER_API_URL").get(timeout=30)

    custom_setting_save(name="PARTNER_API_URL", value_type="string", value="https://a.example.com", actor="root")
    created = live_setting_probe.delay("PARTNER_API_URL").get(timeout=30)
    live_setting_set(setting="PARTNER_API_URL", value="https://b.example.com")
    edited = live_setting_probe.delay("PARTNER_API_URL").get(timeout=30)
    custom_setting_delete(name="PARTNER_API_URL")

    assert (created, edited) == ("https://a.example.com", "https://b.example.com")
    with pytest.raises(Exception, match="PARTNER_API_URL"):
        live_setting_probe.delay("PARTNER_API_URL").get(timeout=30)


def test_a_secrets_value_is_never_part_of_the_definitions(db, committed):
    committed(custom_setting_save, name="SMTP_RELAY_PASSWORD", value_type="string", value="s3cret", secret=True)

    raw_definitions = SitePreferenceChange.objects.filter(name="custom_settings").values_list(
        "new_raw_value", flat=True
    )
    assert all("s3cret" not in raw for raw in raw_definitions)
    assert settings.SMTP_RELAY_PASSWORD == "s3cret"


def test_only_text_settings_can_be_secret(db):
    with pytest.raises(ValidationError, match="Only text settings can be secret"):
        custom_setting_save(name="PARTNER_PIN", value_type="integer", value="1234", secret=True)
