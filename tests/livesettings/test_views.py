import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from apps.livesettings.services import live_setting_set
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

    with django_assert_max_num_queries(8):
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
    [("10", "greater than or equal to 60"), ("abc", "Enter a whole number."), ("", "Enter a value.")],
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

    assert "Could not revert SESSION_EXPIRE_SECONDS: Changed by someone else" in response.content.decode()
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
    assert "May not be more than the site&#x27;s value, 3600." in refused.content.decode()
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
