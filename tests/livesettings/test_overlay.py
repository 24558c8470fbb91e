import http.client
import re
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import override_settings
from django_tenants.utils import schema_context

from apps.livesettings import overlay
from apps.livesettings.overlay import LiveSettingsOverlay, settings_py_value
from apps.livesettings.services import live_setting_set, tenant_override_set
from apps.livesettings.sessions import LOGIN_AT, SEEN_AT
from tests.celery_probe import live_setting_probe
from tests.support.people import client_for, make_user


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


def test_a_name_discover_turned_down_is_not_asked_again_until_the_version_moves(monkeypatch):
    asked, version = [], ["v1"]
    monkeypatch.setattr(overlay, "_discover", lambda name: asked.append(name) or name == "CREATED_LATER")
    monkeypatch.setattr(overlay, "_version", lambda: version[0])
    monkeypatch.setattr(overlay, "_resolve", lambda name: "live value")
    monkeypatch.setattr(overlay, "_absent", (None, set()))
    wrapped = LiveSettingsOverlay(SimpleNamespace())

    for _ in range(3):
        assert getattr(wrapped, "NOT_A_SETTING", "default") == "default"
    assert asked == ["NOT_A_SETTING"]

    version[0] = "v2"  # the definitions changed: every name is asked again
    assert getattr(wrapped, "NOT_A_SETTING", "default") == "default"
    assert wrapped.CREATED_LATER == "live value"
    assert asked == ["NOT_A_SETTING", "NOT_A_SETTING", "CREATED_LATER"]


def test_without_a_version_every_read_asks_discover(monkeypatch):
    asked = []
    monkeypatch.setattr(overlay, "_discover", lambda name: asked.append(name) or False)
    monkeypatch.setattr(overlay, "_version", lambda: None)
    wrapped = LiveSettingsOverlay(SimpleNamespace())

    getattr(wrapped, "NOT_A_SETTING", None)
    getattr(wrapped, "NOT_A_SETTING", None)

    assert asked == ["NOT_A_SETTING", "NOT_A_SETTING"]


def test_an_assigned_setting_sends_setting_changed():
    from django.core.signals import setting_changed

    seen = []

    def receiver(*, setting, value, enter, **kwargs):
        seen.append((setting, value, enter))

    setting_changed.connect(receiver)
    wrapped = LiveSettingsOverlay(SimpleNamespace())
    try:
        wrapped.SOME_NAME = 3
        del wrapped.SOME_NAME
    finally:
        setting_changed.disconnect(receiver)

    assert seen == [("SOME_NAME", 3, True), ("SOME_NAME", None, False)]


# A change made in the console reaches other processes on their next request or task, without a restart.
def _session_for(user, schema: str, *, logged_in_seconds_ago: float) -> str:
    """Return the key of a committed session of `user`, as if they had logged in that long ago."""
    with schema_context(schema):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "apps.accounts.backends.PortalBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[LOGIN_AT] = session[SEEN_AT] = time.time() - logged_in_seconds_ago
        session.create()
        return str(session.session_key)


def _get(port: int, host: str, path: str, session_key: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": host, "Cookie": f"sessionid={session_key}"})
    response = connection.getresponse()
    response.body = response.read().decode()  # type: ignore[attr-defined]
    connection.close()
    return response


def _console_value(port: int, session_key: str, setting: str) -> str:
    response = _get(port, "localhost", "/console/settings/", session_key)
    assert response.status == 200, response.body  # type: ignore[attr-defined]
    match = re.search(rf'data-testid="value-{setting}" data-value="([^"]*)"', response.body)  # type: ignore[attr-defined]
    assert match is not None
    return match.group(1)


@pytest.mark.worker
def test_a_console_change_reaches_a_second_web_process_on_its_next_request(committed_tenants, second_process):
    root = make_user(None, "root-admin", superuser=True)
    alice = make_user(committed_tenants["acme"], "alice")
    console_key = _session_for(root, settings.PUBLIC_SCHEMA_NAME, logged_in_seconds_ago=0)
    member_key = _session_for(alice, "acme", logged_in_seconds_ago=120)
    assert _console_value(second_process, console_key, "SESSION_EXPIRE_SECONDS") == str(8 * 3600)
    assert _get(second_process, "acme.localhost", "/", member_key).status == 200

    saved = client_for("localhost", root).post(
        "/console/settings/SESSION_EXPIRE_SECONDS/", {"session_expire_seconds-value": "60"}
    )

    assert saved.status_code == 302
    assert _console_value(second_process, console_key, "SESSION_EXPIRE_SECONDS") == "60"
    # The member's session, open for 120 s, is now past the limit in that process too.
    expired = _get(second_process, "acme.localhost", "/?tab=2", member_key)
    assert expired.status == 302
    assert expired.getheader("Location") == "/accounts/login/?next=/%3Ftab%3D2"


@pytest.mark.worker
def test_a_console_change_reaches_a_celery_workers_next_task(committed_tenants, celery_worker):
    root = make_user(None, "root-admin", superuser=True)
    before = live_setting_probe.delay("SESSION_EXPIRE_SECONDS").get(timeout=30)

    client_for("localhost", root).post(
        "/console/settings/SESSION_EXPIRE_SECONDS/", {"session_expire_seconds-value": "120"}
    )
    after = live_setting_probe.delay("SESSION_EXPIRE_SECONDS").get(timeout=30)

    assert (before, after) == (8 * 3600, 120)
