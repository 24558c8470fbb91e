"""The stalled broker and the stalled cache together: the site still answers every request, and sends once.

Both Redis servers are private redis-servers frozen with SIGSTOP (their ports accept connections, nothing
answers). The web server is gunicorn in its own process, started on them, so the stall reaches the site the way
it reaches production: through the settings' socket timeouts, not through anything this process patched.
While both are frozen a member's pages, an owner's save, a "send test" and a login run; each must answer, not
5xx, within REQUEST_BOUND_SECONDS (a deadline that fails the test if exceeded: it proves "does not hang", it is
not a performance measure). Then both resume, a real Celery worker consumes the broker, the periodic re-queue
runs twice, and each delivery has been sent exactly once.
"""

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django_tenants.utils import schema_context

from apps.notifications.models import Delivery, InboxMessage, SmsMessage
from apps.notifications.tasks import requeue_stale_deliveries
from apps.preferences.registries import global_preferences_registry
from apps.tenants.models import Tenant
from tests.support.http import Browser
from tests.support.people import PASSWORD, client_for, make_user
from tests.support.processes import free_port, start_gunicorn, stop_process, wait_until
from tests.support.redis import PrivateRedis, celery_broker, deadline

# The documented bound (README, "Security and reliability"): a request waits at most 2 s on stalled Redis servers.
# From the settings: one cache read times out (0.5 s) before the preferences' circuit opens, and a publish is
# tried twice (2 x 0.5 s, 0.2 s apart): 1.7 s at worst.
REQUEST_BOUND_SECONDS = 2.0
CONNECTIONS_PER_PUBLISH = 2


@pytest.fixture
def cache_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "cache")
    server.start()
    try:
        yield server
    finally:
        server.stop(signal.SIGKILL)


@pytest.fixture
def broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "broker")
    with celery_broker(server, monkeypatch):
        server.start()
        yield server


@pytest.fixture
def stall_env(cache_redis: PrivateRedis, broker: PrivateRedis, tmp_path: Path) -> dict[str, str]:
    """The environment of the processes this test starts: the private servers, emails written as files."""
    return {
        "REDIS_URL": cache_redis.url(0),
        "CELERY_BROKER_URL": broker.url(0),
        "CELERY_RESULT_BACKEND": broker.url(1),
        "NOTIFICATIONS_EMAIL_CONNECTION": "django.core.mail.backends.filebased.EmailBackend",
        "NOTIFICATIONS_EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }


@pytest.fixture
def web(committed_tenants, stall_env: dict[str, str]) -> Iterator[int]:
    port = free_port()
    server = start_gunicorn(port, workers=2, env=stall_env)
    try:
        yield port
    finally:
        stop_process(server)


def session_of(user: AbstractBaseUser, tenant: Tenant) -> dict[str, str]:
    """Return the cookies of a signed-in session of `user` (stored in the database, so any process accepts it)."""
    return {"sessionid": client_for(f"{tenant.schema_name}.localhost", user, tenant).cookies["sessionid"].value}


def test_while_the_broker_and_the_cache_are_stalled_every_request_answers_and_each_delivery_is_sent_once(
    committed_tenants, web, cache_redis, broker, stall_env, tmp_path, celery_workers, settings
):
    acme = committed_tenants["acme"]
    alice, olivia = make_user(acme, "alice"), make_user(acme, "olivia", owner=True)
    with schema_context("acme"):
        alice.profile.phone_number = "+15550100"
        alice.profile.save()
    member = Browser(web, "acme.localhost", cookies=session_of(alice, acme))
    owner = Browser(web, "acme.localhost", cookies=session_of(olivia, acme)).with_csrf()
    visitor = Browser(web, "acme.localhost").with_csrf()
    requests = {
        "member's preferences": (member.get, "/preferences/"),
        "member's notification matrix": (member.get, "/preferences/notifications/"),
        "member's inbox": (member.get, "/inbox/"),
        "owner's save": (
            owner.post, "/owner/preferences/field/general__title/",
            {"general__title": "Saved during a stall", "general__title__seen": ""},
        ),
        "send test": (
            owner.post, "/owner/notifications/test/", {"notification": "test_message", "recipient": alice.pk},
        ),
        "login page": (visitor.get, "/accounts/login/"),
        "login": (visitor.post, "/accounts/login/", {"username": "alice", "password": PASSWORD}),
    }  # fmt: skip
    for _ in range(3):  # both workers have loaded every page and template before the stall (sync workers: any order)
        for path in ("/preferences/", "/preferences/notifications/", "/inbox/", "/owner/people/"):
            assert owner.get(path).status == 200
        assert visitor.get("/accounts/login/").status == 200
    broker_connections_before = broker.connections_received()

    cache_redis.freeze()
    broker.freeze()
    answers = {}
    for name, (call, *args) in requests.items():
        with deadline(REQUEST_BOUND_SECONDS):
            answers[name] = call(*args).status
    with deadline(REQUEST_BOUND_SECONDS):
        health = Browser(web, "localhost").get("/readyz")
    cache_redis.thaw()
    broker.thaw()
    # Minus the one asking; a publish or a control command opens at most CONNECTIONS_PER_PUBLISH (a try, a retry).
    broker_connections = broker.connections_received() - broker_connections_before - 1

    assert answers == {
        "member's preferences": 200,
        "member's notification matrix": 200,
        "member's inbox": 200,
        "owner's save": 302,
        "send test": 302,
        "login page": 200,
        "login": 302,
    }
    assert 1 <= broker_connections <= 2 * CONNECTIONS_PER_PUBLISH  # send test's publish; /readyz sends none
    # /readyz answers within the bound too; it says the cache is unreachable (that is its job: 503).
    assert (health.status, health.body) == (503, '{"ok": false, "services": {"database": {"ok": true}, '
                                            '"redis": {"ok": false}, "workers": {"ok": false}}}')  # fmt: skip
    with schema_context("acme"):
        assert global_preferences_registry.manager()["general__title"] == "Saved during a stall"
        assert sorted(Delivery.objects.values_list("backend__name", "status")) == [
            ("email", "pending"),
            ("in_app", "pending"),
            ("sms", "pending"),
        ]

    # Both resume: a worker consumes whatever the broker took in, and beat's re-queue (twice) sends the rest.
    celery_workers(env=stall_env)
    settings.NOTIFICATIONS_STALE_AFTER_SECONDS = 0
    requeue_stale_deliveries()

    def all_sent() -> bool:
        with schema_context("acme"):
            return not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()

    wait_until(all_sent, what="the three deliveries to be sent")
    assert requeue_stale_deliveries() == {"acme": 0, "globex": 0}
    with schema_context("acme"):
        assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 1)}
        assert (InboxMessage.objects.count(), SmsMessage.objects.count()) == (1, 1)
    assert len(list((tmp_path / "mail").iterdir())) == 1
