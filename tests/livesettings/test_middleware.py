from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.livesettings.services import live_setting_set, tenant_override_set
from tests.conftest import client_for, make_user


@pytest.fixture
def live(django_capture_on_commit_callbacks):
    """Set live settings as the console does (committed side effects included)."""

    def set_values(**values):
        with django_capture_on_commit_callbacks(execute=True):
            for name, value in values.items():
                live_setting_set(setting=name, value=value, actor="tester")

    return set_values


@pytest.fixture
def member_client(acme, acme_member, clock):
    return client_for("acme.localhost", acme_member, acme)


def _session_writes(queries):
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]


def test_session_is_valid_at_exactly_the_limit_and_expired_just_after(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=300)

    clock.advance(300)
    at_limit = member_client.get("/")
    clock.advance(1)
    after = member_client.get("/")

    assert at_limit.status_code == 200
    assert after.status_code == 302
    assert after["Location"] == "/accounts/login/?next=/"


def test_expired_session_is_flushed_and_the_login_page_says_why(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=300)
    clock.advance(301)

    response = member_client.get("/owner/?q=ann&page=2", follow=True)

    assert response.redirect_chain[0][0] == "/accounts/login/?next=" + quote("/owner/?q=ann&page=2", safe="/")
    assert "Your session has expired. Please log in again." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in member_client.session


def test_inactivity_mode_expires_after_the_last_request_not_the_login(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=300, SESSION_EXPIRE_AFTER_LAST_ACTIVITY=True, SESSION_EXPIRE_GRACE_SECONDS=30)

    statuses = []
    for _ in range(3):
        clock.advance(250)  # 750 s since login, never 300 s idle
        statuses.append(member_client.get("/").status_code)
    clock.advance(301)
    statuses.append(member_client.get("/").status_code)

    assert statuses == [200, 200, 200, 302]


def test_absolute_mode_expires_since_login_however_active(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=300, SESSION_EXPIRE_AFTER_LAST_ACTIVITY=False)

    clock.advance(250)
    first = member_client.get("/")
    clock.advance(100)
    second = member_client.get("/")

    assert (first.status_code, second.status_code) == (200, 302)


def test_the_grace_period_avoids_writing_the_session_on_every_request(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=600, SESSION_EXPIRE_AFTER_LAST_ACTIVITY=True, SESSION_EXPIRE_GRACE_SECONDS=60)
    member_client.get("/")  # settle: the first request after login may record activity

    with CaptureQueriesContext(connection) as burst:
        for _ in range(5):
            clock.advance(10)
            assert member_client.get("/").status_code == 200
    clock.advance(30)  # 80 s since the last recorded activity: more than the grace period
    with CaptureQueriesContext(connection) as later:
        member_client.get("/")

    assert _session_writes(burst.captured_queries) == []
    assert len(_session_writes(later.captured_queries)) == 1


def test_htmx_requests_get_hx_redirect_back_to_the_page_they_came_from(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=300)
    clock.advance(301)

    response = member_client.get(
        "/session/status/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://acme.localhost/owner/?q=a"
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=" + quote("/owner/?q=a", safe="/")
    assert b"Log in" not in response.content


def test_expired_sessions_go_to_the_live_session_timeout_redirect(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=300, SESSION_TIMEOUT_REDIRECT="/goodbye/")
    clock.advance(301)

    response = member_client.get("/owner/")

    assert response.status_code == 302
    assert response["Location"] == "/goodbye/?next=/owner/"


def test_htmx_requests_get_hx_redirect_to_the_session_timeout_redirect(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=300, SESSION_TIMEOUT_REDIRECT="https://sso.example.com/start")
    clock.advance(301)

    response = member_client.get(
        "/session/status/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://acme.localhost/"
    )

    assert response["HX-Redirect"] == "https://sso.example.com/start?next=" + quote("http://acme.localhost/", safe="/")


def test_anonymous_visitors_are_never_redirected_and_get_no_session(acme, clock, live):
    live(SESSION_EXPIRE_SECONDS=60)
    client = client_for("acme.localhost")

    clock.advance(10_000)
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_a_lowered_value_applies_to_sessions_already_open(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=3600)
    clock.advance(400)
    assert member_client.get("/").status_code == 200

    live(SESSION_EXPIRE_SECONDS=300)
    clock.advance(1)

    assert member_client.get("/").status_code == 302


def test_a_tenant_override_shorter_than_the_site_applies_to_that_tenant_only(
    acme, globex, clock, live, django_capture_on_commit_callbacks
):
    live(SESSION_EXPIRE_SECONDS=3600)
    with django_capture_on_commit_callbacks(execute=True), schema_context("acme"):
        tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=300, actor="olivia")
    on_acme = client_for("acme.localhost", make_user(acme, "alice"), acme)
    on_globex = client_for("globex.localhost", make_user(globex, "gina"), globex)

    clock.advance(301)

    assert on_acme.get("/").status_code == 302
    assert on_globex.get("/").status_code == 200


def test_the_warning_shows_shortly_before_expiry_with_stay_signed_in(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=600, SESSION_EXPIRE_WARNING_SECONDS=120)

    clock.advance(400)
    early = member_client.get("/").content.decode()
    clock.advance(100)  # 100 s left
    late = member_client.get("/").content.decode()

    assert 'id="session-expiry"' in early and "Stay signed in" not in early
    assert "Your session ends in 1 minute 40 seconds." in late and "Stay signed in" in late


def test_stay_signed_in_restarts_the_clock(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=600)
    clock.advance(550)

    response = member_client.post("/session/extend/", {"next": "/owner/"})
    clock.advance(300)  # 850 s since login, 300 s since "stay signed in"

    assert response.status_code == 302 and response["Location"] == "/owner/"
    assert member_client.get("/").status_code == 200


def test_polling_the_status_does_not_count_as_activity(member_client, clock, live):
    live(SESSION_EXPIRE_SECONDS=300, SESSION_EXPIRE_AFTER_LAST_ACTIVITY=True, SESSION_EXPIRE_GRACE_SECONDS=0)

    clock.advance(200)
    assert member_client.get("/session/status/", HTTP_HX_REQUEST="true").status_code == 200
    clock.advance(101)

    assert member_client.get("/").status_code == 302


def test_maintenance_mode_blocks_every_tenant_with_503_and_the_message(acme, globex, live):
    live(MAINTENANCE_MODE=True, MAINTENANCE_MESSAGE="Back at 10:00.", MAINTENANCE_RETRY_AFTER_SECONDS=900)
    on_acme = client_for("acme.localhost", make_user(acme, "alice"), acme)
    on_globex = client_for("globex.localhost", make_user(globex, "gina"), globex)

    responses = [on_acme.get("/"), on_globex.get("/"), client_for("acme.localhost").get("/accounts/login/")]

    for response in responses:
        assert response.status_code == 503
        assert response["Retry-After"] == "900"
        assert "Back at 10:00." in response.content.decode()


def test_maintenance_mode_lets_health_checks_and_the_superadmin_console_through(acme, superadmin, live):
    live(MAINTENANCE_MODE=True)

    health = client_for("acme.localhost").get("/readyz")
    console = client_for("localhost", superadmin).get("/console/settings/")

    assert health.status_code == 200 and health.json()["services"]["database"]["ok"]
    assert console.status_code == 200


def test_maintenance_answers_json_to_the_api_and_refreshes_htmx_pages(acme, acme_member, live):
    live(MAINTENANCE_MODE=True, MAINTENANCE_MESSAGE="Upgrading.")
    client = client_for("acme.localhost", acme_member, acme)

    api = client.get("/api/schema/")
    fragment = client.get("/", HTTP_HX_REQUEST="true")

    assert api.status_code == 503 and api.json() == {"detail": "Upgrading."}
    assert fragment.status_code == 503 and fragment["HX-Refresh"] == "true"


def test_turning_maintenance_off_restores_service_on_the_next_request(acme, acme_member, live):
    client = client_for("acme.localhost", acme_member, acme)
    live(MAINTENANCE_MODE=True)
    assert client.get("/").status_code == 503

    live(MAINTENANCE_MODE=False)

    assert client.get("/").status_code == 200
