"""`{{ global_preferences.section__name }}` in templates."""

from typing import Any

from django.http import HttpRequest

from apps.core.tenancy import on_public_schema
from apps.preferences.registries import global_preferences_registry


def global_preferences(request: HttpRequest) -> dict[str, Any]:
    """Return the current tenant's preferences manager (nothing on the public site, which has none)."""
    if on_public_schema():
        return {}
    return {"global_preferences": global_preferences_registry.manager()}
