"""`{{ global_preferences.section__name }}` in templates."""

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from apps.preferences.registries import global_preferences_registry


def global_preferences(request: HttpRequest) -> dict[str, Any]:
    """Return the current tenant's preferences manager (nothing on the public site, which has none)."""
    # django-tenants' backend sets connection.schema_name (the stubs know only Django's).
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:  # type: ignore[attr-defined]
        return {}
    return {"global_preferences": global_preferences_registry.manager()}
