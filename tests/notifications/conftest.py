"""Fixtures for the notification tests: work inside acme's schema, people with groups and permissions."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django_tenants.utils import schema_context

from apps.notifications.backends.base import BaseBackend
from apps.tenants.models import Tenant
from tests.conftest import make_user


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


def group(name: str) -> Group:
    return Group.objects.get_or_create(name=name)[0]


class FlakyBackend(BaseBackend):
    """A backend whose provider always fails; it stands in for an SMTP server that is down."""

    name = "flaky"
    display_name = "Flaky"

    def send(self, delivery: Any) -> dict[str, object]:
        raise ConnectionError("provider unreachable")
