"""`{{ global_preferences.section__name }}` in templates."""

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from apps.preferences.registries import global_preferences_registry


def global_preferences(request: HttpRequest) -> dict[str, Any]:
    """Return the current tenant's preferences manager (nothing on the public site, which has none)."""
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return {}
    return {"global_preferences": global_preferences_registry.manager()}
