"""Fixtures for the lists-of-values tests: defaults in the database and owners/members on both tenants."""

from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from apps.lov.services import lov_defaults_sync_all
from apps.tenants.models import Tenant
from tests.conftest import client_for, make_user


@pytest.fixture(autouse=True)
def lov_defaults(db: None) -> None:
    """Put every list's defaults in the (shared) tables; a transactional test elsewhere may have flushed them."""
    lov_defaults_sync_all()


@pytest.fixture
def globex_owner(globex: Tenant) -> AbstractBaseUser:
    return make_user(globex, "oscar", owner=True)


@pytest.fixture
def globex_member(globex: Tenant) -> AbstractBaseUser:
    return make_user(globex, "gina")


@pytest.fixture
def client_of() -> Any:
    """Return a function giving a logged-in client on the user's tenant."""

    def build(user: AbstractBaseUser, tenant: Tenant) -> Client:
        return client_for(f"{tenant.schema_name}.localhost", user, tenant)

    return build
