import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.livesettings.custom import custom_settings_forget
from apps.livesettings.models import ScheduledChange
from apps.livesettings.registry import live_settings_registry
from apps.livesettings.services import (
    custom_setting_save,
    live_setting_set,
    scheduled_change_create,
    scheduled_changes_apply,
    tenant_override_set,
)
from apps.preferences.site.models import SitePreferenceChange
from tests.conftest import client_for, make_user


@pytest.fixture
def console(superadmin):
    return client_for("localhost", superadmin)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_console_lists_settings_by_section_with_value_default_and_who_changed_it(
    console, on_commit, django_assert_max_num_queries
):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="root-admin")

    # One more than before scheduled changes: they are read in one query.
    with django_assert_max_num_queries(9):
        response = console.get("/console/settings/")

    body = response.content.decode()
    assert response.status_code == 200
    for heading in ("Sessions", "Maintenance", "Email"):
        assert f">{heading}</h2>" in body
    assert 'data-value="900">15 minutes' in body
    assert "8 hours" in body  # the settings.py default
    assert "by root-admin," in body


def test_inline_save_returns_the_row_and_changes_the_live_value(console, on_commit):
    with on_commit():
        response = console.post(
            "/console/settings/SESSION_EXPIRE_SECONDS/",
            {"session_expire_seconds-value": "1800"},
            HTTP_HX_REQUEST="true",
        )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div class="list-group-item py-3" id="setting-SESSION_EXPIRE_SECONDS"')
    assert "saved" in body and "30 minutes" in body
    assert settings.SESSION_EXPIRE_SECONDS == 1800
    change = SitePreferenceChange.objects.get()
    assert (change.changed_by, change.source) == ("root-admin", "console")


@pytest.mark.parametrize(
    ("value", "error"),
    [("10", "between 1 minute and 30 days"), ("abc", "Enter a duration: a number and a unit"), ("", "Enter a value.")],
)
def test_invalid_input_shows_the_error_under_the_field_and_writes_nothing(console, value, error):
    response = console.post(
        "/console/settings/SESSION_EXPIRE_SECONDS/", {"session_expire_seconds-value": value}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers: the row comes back with its error
    assert "is-invalid" in body and error in body
    assert not SitePreferenceChange.objects.exists()
    assert settings.SESSION_EXPIRE_SECONDS == 8 * 3600


def test_without_javascript_a_save_redirects_and_an_error_renders_the_whole_page(console, on_commit):
    with on_commit():
        ok = console.post("/console/settings/MAINTENANCE_MESSAGE/", {"maintenance_message-value": "Back soon."})
    bad = console.post("/console/settings/MAINTENANCE_MESSAGE/", {"maintenance_message-value": "x" * 5000})

    assert ok.status_code == 302 and ok["Location"] == "/console/settings/#setting-MAINTENANCE_MESSAGE"
    assert (
        bad.status_code == 400 and "<html" in bad.content.decode() and "at most 1000 characters" in bad.content.decode()
    )
    assert settings.MAINTENANCE_MESSAGE == "Back soon."


def test_maintenance_mode_on_needs_confirmation(console, on_commit):
    unconfirmed = console.post("/console/settings/MAINTENANCE_MODE/", {"maintenance_mode-value": "on"})
    assert "Yes, turn it on" in unconfirmed.content.decode()
    assert settings.MAINTENANCE_MODE is False

    with on_commit():
        confirmed = console.post(
            "/console/settings/MAINTENANCE_MODE/", {"maintenance_mode-value": "on", "confirmed": "1"}
        )

    assert confirmed.status_code == 302
    assert settings.MAINTENANCE_MODE is True


def test_the_confirmation_also_opens_without_javascript(console):
    response = console.get("/console/settings/?confirm=MAINTENANCE_MODE&value=on")

    assert "Every page of every tenant will answer" in response.content.decode()
    assert "Yes, turn it on" in response.content.decode()


def test_reset_to_default(console, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900)
        response = console.post("/console/settings/SESSION_EXPIRE_SECONDS/reset/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert settings.SESSION_EXPIRE_SECONDS == 8 * 3600


def test_history_lists_changes_and_revert_puts_back_the_old_value(console, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="root-admin")
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=300, actor="root-admin")
    latest = SitePreferenceChange.objects.order_by("-id").first()

    page = console.get("/console/settings/history/")
    with on_commit():
        reverted = console.post(f"/console/settings/history/{latest.pk}/revert/")

    assert "Revert to 15 minutes" in page.content.decode()
    assert reverted.status_code == 302
    assert settings.SESSION_EXPIRE_SECONDS == 900


def test_reverting_a_change_that_was_changed_again_is_refused(console, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="root-admin")
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=300, actor="root-admin")
    change = SitePreferenceChange.objects.order_by("-id").first()
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=600, actor="other-admin")

    with on_commit():
        response = console.post(f"/console/settings/history/{change.pk}/revert/", follow=True)

    # Refused with the inline-edit kit's words: who changed it since, when, and the value now.
    assert re.search(
        r"was not reverted: Changed by other-admin at \d\d:\d\d — now 10 minutes", response.content.decode()
    )
    assert settings.SESSION_EXPIRE_SECONDS == 600


def test_reverting_into_maintenance_mode_asks_first(console, on_commit):
    with on_commit():
        live_setting_set(setting="MAINTENANCE_MODE", value=True)
        live_setting_set(setting="MAINTENANCE_MODE", value=False)
    latest = SitePreferenceChange.objects.order_by("-id").first()

    asked = console.post(f"/console/settings/history/{latest.pk}/revert/")
    page = console.get(asked["Location"])

    assert settings.MAINTENANCE_MODE is False
    assert "Yes, revert" in page.content.decode()


def test_history_has_an_empty_state(console):
    assert "No changes yet." in console.get("/console/settings/history/").content.decode()


def test_only_superadmins_reach_the_console(db, tenants):
    staff = make_user(None, "helpdesk")  # a public-schema user who is not a superuser

    anonymous = client_for("localhost").get("/console/settings/")
    forbidden = client_for("localhost", staff).post(
        "/console/settings/SESSION_EXPIRE_SECONDS/", {"session_expire_seconds-value": "120"}
    )

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert forbidden.status_code == 403
    assert settings.SESSION_EXPIRE_SECONDS == 8 * 3600


def test_tenant_domains_have_no_console(acme, acme_owner):
    assert client_for("acme.localhost", acme_owner, acme).get("/console/settings/").status_code == 404


def test_owner_sees_overridable_settings_with_the_site_bounds(acme, acme_owner, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=3600)

    response = client_for("acme.localhost", acme_owner, acme).get("/owner/settings/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Session expiry" in body and "Maintenance" not in body
    assert "1 minute to 1 hour" in body


def test_owner_sets_a_shorter_value_and_a_longer_one_is_refused_in_place(acme, acme_owner, on_commit):
    client = client_for("acme.localhost", acme_owner, acme)
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=3600)
        ok = client.post(
            "/owner/settings/SESSION_EXPIRE_SECONDS/", {"session_expire_seconds-value": "600"}, HTTP_HX_REQUEST="true"
        )
    refused = client.post(
        "/owner/settings/SESSION_EXPIRE_SECONDS/", {"session_expire_seconds-value": "7200"}, HTTP_HX_REQUEST="true"
    )

    assert ok.status_code == 200 and "10 minutes" in ok.content.decode()
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()
    assert "May not be more than the site&#x27;s value, 1 hour." in refused.content.decode()
    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == 600


def test_owners_cannot_override_other_settings(acme, acme_owner):
    response = client_for("acme.localhost", acme_owner, acme).post(
        "/owner/settings/MAINTENANCE_MODE/", {"maintenance_mode-value": "on"}
    )

    assert response.status_code == 404


def test_members_cannot_use_the_owner_page(acme, acme_member):
    client = client_for("acme.localhost", acme_member, acme)

    assert client.get("/owner/settings/").status_code == 403
    assert (
        client.post("/owner/settings/SESSION_EXPIRE_SECONDS/", {"session_expire_seconds-value": "60"}).status_code
        == 403
    )
    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == 8 * 3600


def test_navigation_links_to_the_settings_pages(acme, acme_owner, superadmin):
    owner_page = client_for("acme.localhost", acme_owner, acme).get("/").content.decode()
    console_page = client_for("localhost", superadmin).get("/console/").content.decode()

    assert 'href="/owner/settings/"' in owner_page
    assert 'href="/console/settings/"' in console_page


def test_a_revert_id_that_is_not_a_number_is_ignored_not_a_500(superadmin):
    response = client_for("localhost", superadmin).get("/console/settings/history/?revert=abc")

    assert response.status_code == 200


def test_setting_names_in_owner_urls_are_case_insensitive_like_the_console(acme, acme_owner, on_commit):
    client = client_for("acme.localhost", acme_owner, acme)
    with on_commit():
        response = client.post(
            "/owner/settings/session_expire_seconds/", {"session_expire_seconds-value": "900"}, HTTP_HX_REQUEST="true"
        )

    assert response.status_code == 200
    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == 900


# --- the inline-edit kit: versions, stale saves, answers without JavaScript ---------------------------------
STALE = "your value was not saved."


def test_console_field_carries_the_version_it_shows(console, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900)

    body = console.get("/console/settings/").content.decode()

    assert '<input type="hidden" name="session_expire_seconds-value__seen" value="900">' in body
    assert '<input type="hidden" name="maintenance_message-value__seen" value="">' in body


def test_console_stale_save_is_refused_in_place_with_who_and_the_value_now(console, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="olivia")

    response = console.post(
        "/console/settings/SESSION_EXPIRE_SECONDS/",
        {"session_expire_seconds-value": "1800", "session_expire_seconds-value__seen": ""},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"Changed by olivia at \d\d:\d\d — now 15 minutes; " + STALE, body)
    # The posted 1800 s is shown again in the duration widget's units: 30 minutes.
    assert 'value="30"' in body and '<option value="minutes" selected>' in body
    assert ">Apply my value again<" in body
    assert 'name="session_expire_seconds-value__seen" value="900"' in body
    assert settings.SESSION_EXPIRE_SECONDS == 900
    assert SitePreferenceChange.objects.count() == 1


def test_console_stale_save_without_javascript_renders_the_page_with_the_refusal(console, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="olivia")

    response = console.post(
        "/console/settings/SESSION_EXPIRE_SECONDS/",
        {"session_expire_seconds-value": "1800", "session_expire_seconds-value__seen": ""},
    )

    body = response.content.decode()
    assert response.status_code == 400 and "<html" in body
    assert "Changed by olivia at" in body and STALE in body
    assert settings.SESSION_EXPIRE_SECONDS == 900


def test_console_save_with_the_current_version_goes_through(console, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="olivia")
        response = console.post(
            "/console/settings/SESSION_EXPIRE_SECONDS/",
            {"session_expire_seconds-value": "1800", "session_expire_seconds-value__seen": "900"},
            HTTP_HX_REQUEST="true",
        )

    assert 'data-testid="saved"' in response.content.decode()
    assert settings.SESSION_EXPIRE_SECONDS == 1800


def test_console_stale_reset_is_refused_and_offers_to_reset_again(console, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="olivia")

    response = console.post(
        "/console/settings/SESSION_EXPIRE_SECONDS/reset/",
        {"session_expire_seconds-value__seen": "600"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert "— now 15 minutes; " + STALE in body
    assert 'hx-post="/console/settings/SESSION_EXPIRE_SECONDS/reset/">Reset again' in body
    assert settings.SESSION_EXPIRE_SECONDS == 900


def test_owner_field_without_javascript_saves_and_redirects_with_a_visible_message(acme, acme_owner, on_commit):
    client = client_for("acme.localhost", acme_owner, acme)
    page = client.get("/owner/settings/").content.decode()
    assert '<input type="hidden" name="session_expire_seconds-value__seen" value="">' in page

    with on_commit():
        response = client.post(
            "/owner/settings/SESSION_EXPIRE_SECONDS/",
            {"session_expire_seconds-value": "600", "session_expire_seconds-value__seen": ""},
            follow=True,
        )

    body = response.content.decode()
    assert response.redirect_chain == [("/owner/settings/#override-SESSION_EXPIRE_SECONDS", 302)]
    assert response.status_code == 200
    assert 'class="toast show' in body and "Session expiry for your organisation is now 10 minutes." in body
    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == 600


def test_owner_field_without_javascript_shows_an_out_of_bounds_value_in_place(acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, acme)

    response = client.post("/owner/settings/SESSION_EXPIRE_SECONDS/", {"session_expire_seconds-value": "999999"})

    body = response.content.decode()
    assert response.status_code == 400 and "<html" in body
    assert "is-invalid" in body and "May not be more than the site" in body


def test_owner_stale_save_is_refused_with_who_changed_it(acme, acme_owner, on_commit):
    client = client_for("acme.localhost", acme_owner, acme)
    with on_commit(), schema_context("acme"):
        tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="bob")

    response = client.post(
        "/owner/settings/SESSION_EXPIRE_SECONDS/",
        {"session_expire_seconds-value": "600", "session_expire_seconds-value__seen": ""},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"Changed by bob at \d\d:\d\d — now 15 minutes; " + STALE, body)
    assert 'name="session_expire_seconds-value__seen" value="900"' in body
    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == 900


def test_owner_reset_answers_the_row_with_htmx_and_redirects_without(acme, acme_owner, on_commit):
    client = client_for("acme.localhost", acme_owner, acme)
    with on_commit(), schema_context("acme"):
        tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="olivia")

    with on_commit():
        htmx = client.post(
            "/owner/settings/SESSION_EXPIRE_SECONDS/reset/",
            {"session_expire_seconds-value__seen": "900"},
            HTTP_HX_REQUEST="true",
        )
    plain = client.post("/owner/settings/SESSION_EXPIRE_SECONDS/reset/")

    assert htmx.status_code == 200
    assert (
        htmx.content.decode()
        .lstrip()
        .startswith('<div class="list-group-item py-3" id="override-SESSION_EXPIRE_SECONDS"')
    )
    assert 'data-testid="saved"' in htmx.content.decode()
    assert plain.status_code == 302
    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == 8 * 3600


# --- scheduled changes ------------------------------------------------------------------------------------
def _tomorrow_at(hour):
    day = timezone.localdate() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def test_a_scheduled_change_shows_as_pending_and_applies_at_its_time(console, on_commit):
    at = _tomorrow_at(22)
    data = {"schedule-setting": "MAINTENANCE_MODE", "schedule-value": "on", "schedule-run_at": f"{at:%Y-%m-%dT%H:%M}"}

    response = console.post("/console/settings/scheduled/", data, follow=True)

    body = response.content.decode()
    assert response.redirect_chain == [("/console/settings/#scheduled", 302)]
    assert "Maintenance mode will change at" in body
    (change,) = ScheduledChange.objects.all()
    assert f'data-testid="scheduled-{change.pk}"' in body and "pending" in body
    assert change.run_at == at and change.created_by == "root-admin"
    with on_commit():
        scheduled_changes_apply(now=at)
    assert settings.MAINTENANCE_MODE is True
    assert f'data-testid="scheduled-done-{change.pk}"' in console.get("/console/settings/").content.decode()
    history = console.get("/console/settings/history/").content.decode()
    assert "<td>schedule</td>" in history


def test_a_refused_scheduled_value_shows_the_error_in_place(console):
    data = {
        "schedule-setting": "SESSION_EXPIRE_SECONDS",
        "schedule-value": "5",
        "schedule-run_at": f"{_tomorrow_at(22):%Y-%m-%dT%H:%M}",
    }

    response = console.post("/console/settings/scheduled/", data)

    assert response.status_code == 400
    assert "between 1 minute and 30 days" in response.content.decode()
    assert not ScheduledChange.objects.exists()


def test_a_pending_change_can_be_cancelled(console):
    change = scheduled_change_create(setting="MAINTENANCE_MODE", value=True, run_at=_tomorrow_at(22))

    response = console.post(f"/console/settings/scheduled/{change.pk}/cancel/", follow=True)

    change.refresh_from_db()
    assert change.state == "cancelled"
    assert "The scheduled change of MAINTENANCE_MODE is cancelled." in response.content.decode()
    assert f'data-testid="scheduled-{change.pk}"' not in response.content.decode()


# --- secret and locked settings ---------------------------------------------------------------------------
def test_a_secret_is_settable_in_the_console_and_never_shown_nor_in_the_history(console, on_commit):
    with on_commit():
        response = console.post(
            "/console/settings/EMAIL_HOST_PASSWORD/", {"email_host_password-value": "hunter2"}, HTTP_HX_REQUEST="true"
        )

    assert response.status_code == 200
    assert settings.EMAIL_HOST_PASSWORD == "hunter2"
    page = console.get("/console/settings/").content.decode()
    history = console.get("/console/settings/history/").content.decode()
    api = console.get("/api/livesettings/EMAIL_HOST_PASSWORD/").content.decode()
    for body in (response.content.decode(), page, history, api):
        assert "hunter2" not in body
        assert "••••••••" in body
    assert 'type="password"' in page


def test_a_secrets_stale_save_is_refused_without_showing_it(console, on_commit):
    page = console.get("/console/settings/").content.decode()
    seen = re.search(r'name="email_host_password-value__seen" value="([^"]*)"', page).group(1)
    with on_commit():
        live_setting_set(setting="EMAIL_HOST_PASSWORD", value="first", actor="other-admin")

    response = console.post(
        "/console/settings/EMAIL_HOST_PASSWORD/",
        {"email_host_password-value": "second", "email_host_password-value__seen": seen},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert settings.EMAIL_HOST_PASSWORD == "first"
    assert "Changed by other-admin" in body and "first" not in body


def test_a_locked_setting_shows_read_only_with_the_reason(console, monkeypatch):
    monkeypatch.setenv("LIVE_SETTING_MAINTENANCE_MODE", "off")

    page = console.get("/console/settings/").content.decode()
    refused = console.post("/console/settings/MAINTENANCE_MODE/", {"maintenance_mode-value": "on", "confirmed": "1"})

    locked = re.search(r'data-testid="locked-MAINTENANCE_MODE">(.*?)</p>', page, re.S).group(1)
    assert "Locked by the environment variable LIVE_SETTING_MAINTENANCE_MODE" in locked
    assert 'action="/console/settings/MAINTENANCE_MODE/"' not in page
    assert "Locked by the environment variable" in refused.content.decode()
    assert settings.MAINTENANCE_MODE is False


# --- custom settings --------------------------------------------------------------------------------------
def _create(console, **fields):
    data = {f"custom-{key}": value for key, value in fields.items()}
    return console.post("/console/settings/custom/", data, follow=True)


def test_a_superadmin_creates_a_custom_setting_read_as_settings_name(console, on_commit):
    with on_commit():
        response = _create(
            console, name="PARTNER_API_URL", value_type="string", value="https://a.example.com", help_text="Partner."
        )

    body = response.content.decode()
    assert response.redirect_chain == [("/console/settings/#setting-PARTNER_API_URL", 302)]
    assert "PARTNER_API_URL created: settings.PARTNER_API_URL is now https://a.example.com." in body
    assert 'data-testid="setting-PARTNER_API_URL"' in body and ">Custom settings</h2>" in body
    assert settings.PARTNER_API_URL == "https://a.example.com"
    history = console.get("/console/settings/history/").content.decode()
    assert "Custom settings: Created PARTNER_API_URL (text)." in history


def test_a_refused_name_or_value_shows_the_error_in_place_and_creates_nothing(console):
    refused_name = _create(console, name="SECRET_KEY", value_type="string", value="mine")
    refused_value = _create(console, name="PARTNER_LIMIT", value_type="integer", value="many")

    assert refused_name.status_code == 400
    assert "one of Django&#x27;s or the portal&#x27;s own settings" in refused_name.content.decode()
    assert refused_value.status_code == 400
    assert 'id="id_custom-value-error"' in refused_value.content.decode()
    assert "PARTNER_LIMIT" not in live_settings_registry


def test_a_custom_setting_is_edited_inline_and_deleted_after_a_confirmation_naming_it(console, on_commit):
    with on_commit():
        _create(console, name="PARTNER_LIMIT", value_type="integer", value="10")
    with on_commit():
        console.post("/console/settings/PARTNER_LIMIT/", {"partner_limit-value": "25"}, HTTP_HX_REQUEST="true")
    assert settings.PARTNER_LIMIT == 25

    asked = console.post("/console/settings/custom/PARTNER_LIMIT/delete/", follow=True)
    confirm = re.search(r'data-testid="delete-confirm">(.*?)</div>', asked.content.decode(), re.S).group(1)
    assert "Delete PARTNER_LIMIT?" in confirm and "settings.PARTNER_LIMIT</code> fails" in confirm
    assert settings.PARTNER_LIMIT == 25
    with on_commit():
        deleted = console.post("/console/settings/custom/PARTNER_LIMIT/delete/", {"confirmed": "1"}, follow=True)

    assert "PARTNER_LIMIT is deleted" in deleted.content.decode()
    assert not hasattr(settings, "PARTNER_LIMIT")
    assert "Custom settings: Deleted PARTNER_LIMIT." in console.get("/console/settings/history/").content.decode()


def test_a_secret_custom_setting_is_never_shown(console, on_commit):
    with on_commit():
        response = _create(console, name="SMTP_RELAY_PASSWORD", value_type="string", value="s3cret", secret="on")

    assert "s3cret" not in response.content.decode()
    assert "s3cret" not in console.get("/console/settings/history/").content.decode()
    assert settings.SMTP_RELAY_PASSWORD == "s3cret"


def test_built_in_settings_cannot_be_deleted(console):
    assert console.post("/console/settings/custom/MAINTENANCE_MODE/delete/", {"confirmed": "1"}).status_code == 404


def test_an_owner_overrides_an_overridable_custom_setting_created_in_another_process(acme, acme_owner, on_commit):
    with on_commit():
        custom_setting_save(name="PARTNER_QUOTA", value_type="integer", value="100", overridable=True)
        custom_setting_save(name="PARTNER_LIMIT", value_type="integer", value="100")
    custom_settings_forget()  # This process has not seen them yet.
    client = client_for("acme.localhost", acme_owner, acme)

    page = client.get("/owner/settings/").content.decode()
    with on_commit():
        saved = client.post("/owner/settings/PARTNER_QUOTA/", {"partner_quota-value": "40"}, HTTP_HX_REQUEST="true")

    assert "PARTNER_QUOTA" in page and "PARTNER_LIMIT" not in page
    assert saved.status_code == 200 and "is-invalid" not in saved.content.decode()
    with schema_context("acme"):
        assert settings.PARTNER_QUOTA == 40
    with schema_context("globex"):
        assert settings.PARTNER_QUOTA == 100
