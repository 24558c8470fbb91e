"""Fixtures for the notification tests: work inside acme's schema, people with groups and permissions."""

import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.services import group_ensure
from apps.notifications.backends.base import BaseBackend, Result
from apps.notifications.backends.email import EmailBackend
from apps.notifications.backends.in_app import InAppBackend
from apps.tenants.models import Tenant
from tests.support.people import client_for, make_user

# The configured backends plus one whose provider always fails.
FLAKY_BACKENDS = [
    "apps.notifications.backends.email.EmailBackend",
    "apps.notifications.backends.sms.SmsBackend",
    "apps.notifications.backends.in_app.InAppBackend",
    "tests.notifications.conftest.FlakyBackend",
]


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    """Run the test body in acme's schema."""
    with schema_context(acme.schema_name):
        yield acme


@pytest.fixture
def person(in_acme: Tenant) -> Any:
    """Return a function creating a user of acme with groups and permissions."""

    def create(username: str, *, groups: tuple[str, ...] = (), perms: tuple[str, ...] = (), **extra: Any) -> Any:
        user = make_user(in_acme, username, groups=groups)
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        for field, value in extra.items():
            setattr(user.profile, field, value)
        user.profile.save()
        return user

    return create


@pytest.fixture
def alice(person: Any) -> Any:
    """Return alice, a member of acme in the group Sales."""
    return person("alice", groups=("Sales",))


@pytest.fixture
def as_alice(alice: Any, acme: Tenant) -> Client:
    """Return a client on acme's domain, logged in as alice."""
    return client_for("acme.localhost", alice, acme)


def group(name: str) -> Group:
    """Return the group `name` of the active schema, creating it if needed."""
    return group_ensure(name)


class FlakyBackend(BaseBackend):
    """A backend whose provider always fails; it stands in for an SMTP server that is down."""

    name = "flaky"
    display_name = "Flaky"

    def send(self, delivery: Any) -> dict[str, object]:
        raise ConnectionError("provider unreachable")


def _log_and_hold(deliveries: Sequence[Any], hold: str) -> None:
    """Append "<delivery id> <worker pid>" per delivery to attempts.log, then wait while the `hold` file exists."""
    folder = Path(os.environ["NOTIFICATIONS_TEST_PAUSE_DIR"])
    with (folder / "attempts.log").open("a") as log:
        log.writelines(f"{delivery.pk} {os.getpid()}\n" for delivery in deliveries)
    deadline = time.monotonic() + 60  # a forgotten hold file must not wedge a worker for ever
    while (folder / hold).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


class PausingInAppBackend(InAppBackend):
    """The in-app backend that, after writing a batch's inbox messages, waits while a `hold` file exists.

    The worker-failure tests name it in the worker's NOTIFICATIONS_BACKENDS and set NOTIFICATIONS_TEST_PAUSE_DIR,
    so they can kill the worker in the middle of a batch: the messages are written but not yet committed.
    Each attempt appends "<delivery id> <worker pid>" to attempts.log in that folder before it waits.
    """

    def send_batch(self, deliveries: Sequence[Any], connection: Any = None) -> list[Result]:
        results = super().send_batch(deliveries, connection)
        _log_and_hold(deliveries, "hold")
        return results


class PausingEmailBackend(EmailBackend):
    """The email backend that, from its second group of messages on, waits before sending while `hold-email` exists.

    With NOTIFICATIONS_RECORD_EVERY=1 the first message of a batch is sent and recorded, then the worker waits:
    killing it then leaves one row sent and the rest claimed but pending.
    """

    groups_sent = 0

    def send_batch(self, deliveries: Sequence[Any], connection: Any = None) -> list[Result]:
        if PausingEmailBackend.groups_sent:
            _log_and_hold(deliveries, "hold-email")
        PausingEmailBackend.groups_sent += 1
        return super().send_batch(deliveries, connection)


@pytest.fixture(autouse=True)
def _fresh_primary_domains() -> Iterator[None]:
    """Forget the process's cached primary domains: a rolled-back test's domain must not reach the next test."""
    from apps.notifications.links import primary_domains_forget

    primary_domains_forget()
    yield
    primary_domains_forget()
