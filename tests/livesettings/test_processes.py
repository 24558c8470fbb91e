"""A change made in the console reaches other processes on their next request or task, without a restart."""

import http.client
import re
import time

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_tenants.utils import schema_context

from apps.livesettings.sessions import LOGIN_AT, SEEN_AT
from tests.celery_probe import live_setting_probe
from tests.support.people import client_for, make_user


def _session_for(user, schema: str, *, logged_in_seconds_ago: float) -> str:
    """Return the key of a committed session of `user`, as if they had logged in that long ago."""
    with schema_context(schema):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
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
