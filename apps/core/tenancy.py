"""The active PostgreSQL schema, typed: django-tenants sets it on the connection but ships no type hints."""

from typing import cast

from django.conf import settings
from django.db import connection


def current_schema_name() -> str:
    """Return the schema the default connection currently uses (a tenant's, or the public one)."""
    return cast(str, connection.schema_name)  # type: ignore[attr-defined]


def on_public_schema() -> bool:
    """Return whether the connection is on the public schema (the superadmins' site, no tenant data)."""
    return current_schema_name() == settings.PUBLIC_SCHEMA_NAME
