"""Where each scope's values live: one store per scope owner (the site, a tenant, a user, a model row)."""

import logging
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django_tenants.utils import schema_context

from apps.core.tenancy import current_schema_name
from apps.preferences import cache
from apps.preferences.models import GlobalPreference, InstancePreference, PreferenceChange, UserPreference
from apps.preferences.registries import (
    PreferenceRegistry,
    global_preferences_registry,
    site_preferences_registry,
    user_preferences_registry,
)
from apps.preferences.serializers import SerializationError
from apps.preferences.site.models import SitePreference, SitePreferenceChange

logger = logging.getLogger(__name__)


def decode_rows(registry: PreferenceRegistry, rows: Any) -> dict[str, tuple[str, Any]]:
    """Return {key: (raw, value)} for stored rows; unknown keys and undecodable values are left out (default)."""
    values = {}
    for section, name, raw in rows:
        key = f"{section}__{name}" if section else name
        if key not in registry:
            continue  # No longer declared: `manage.py checkpreferences` reports and deletes these.
        preference = registry.get(key)
        try:
            values[key] = (raw, preference.get_serializer().deserialize(raw))
        except SerializationError as exc:
            logger.warning("Preference %s (%s): stored value ignored, using the default: %s", key, registry.scope, exc)
    return values


class ScopeStore:
    """The rows of one scope owner, and how to record their history."""

    scope: str
    registry: PreferenceRegistry
    model: type[models.Model]
    change_model: type[models.Model] = PreferenceChange
    unique_fields: list[str] = ["section", "name"]
    # Key of the process snapshot for cached scopes; None for per-request scopes (users, instances).
    cache_key: str | None = None

    def queryset(self) -> models.QuerySet[Any]:
        return self.model._default_manager.all()

    def owner_fields(self) -> dict[str, Any]:
        return {}

    def change_fields(self) -> dict[str, Any]:
        return {"scope": self.scope, "owner": ""}

    def changes(self) -> models.QuerySet[Any]:
        """Return this owner's history, newest first."""
        return self.change_model._default_manager.filter(**self.change_fields())

    def load(self) -> dict[str, tuple[str, Any]]:
        """Return the decoded stored values of this owner, in one query."""
        return decode_rows(self.registry, self.queryset().values_list("section", "name", "raw_value"))


class SiteStore(ScopeStore):
    scope = "site"
    registry = site_preferences_registry
    model = SitePreference
    change_model = SitePreferenceChange
    cache_key = "site"

    def change_fields(self) -> dict[str, Any]:
        return {}

    def load(self) -> dict[str, tuple[str, Any]]:
        # The site tables exist only in the public schema, which is on every tenant's search path.
        return super().load()


class GlobalStore(ScopeStore):
    scope = "global"
    registry = global_preferences_registry
    model = GlobalPreference

    def __init__(self, schema_name: str | None = None) -> None:
        self.schema_name = schema_name or current_schema_name()
        if self.schema_name == settings.PUBLIC_SCHEMA_NAME:
            raise RuntimeError("Global preferences belong to a tenant; the public schema has none.")
        self.cache_key = f"global:{self.schema_name}"


class UserStore(ScopeStore):
    scope = "user"
    registry = user_preferences_registry
    model = UserPreference
    unique_fields = ["user", "section", "name"]

    def __init__(self, user: Any) -> None:
        self.user = user

    def queryset(self) -> models.QuerySet[Any]:
        return UserPreference.objects.filter(user=self.user)

    def owner_fields(self) -> dict[str, Any]:
        return {"user": self.user}

    def change_fields(self) -> dict[str, Any]:
        return {"scope": self.scope, "owner": str(self.user.pk)}


class InstanceStore(ScopeStore):
    scope = "instance"
    model = InstancePreference
    unique_fields = ["content_type", "object_id", "section", "name"]

    def __init__(self, registry: PreferenceRegistry, instance: models.Model) -> None:
        self.registry = registry
        self.instance = instance
        self.content_type = ContentType.objects.get_for_model(instance)

    def queryset(self) -> models.QuerySet[Any]:
        return InstancePreference.objects.filter(content_type=self.content_type, object_id=str(self.instance.pk))

    def owner_fields(self) -> dict[str, Any]:
        return {"content_type": self.content_type, "object_id": str(self.instance.pk)}

    def change_fields(self) -> dict[str, Any]:
        return {"scope": self.scope, "owner": f"{self.content_type.pk}:{self.instance.pk}"}


def store_for(registry: PreferenceRegistry, owner: Any = None) -> ScopeStore:
    """Return the store of `registry` for `owner` (None for the site and the current tenant)."""
    if registry.scope == "site":
        return SiteStore()
    if registry.scope == "global":
        return GlobalStore()
    if registry.scope == "user":
        return UserStore(owner)
    return InstanceStore(registry, owner)


def _load_site(_: str) -> dict[str, tuple[str, Any]]:
    return SiteStore().load()


def _load_global(schema_name: str) -> dict[str, tuple[str, Any]]:
    with schema_context(schema_name):
        return GlobalStore(schema_name).load()


cache.register_loader("site", _load_site)
cache.register_loader("global", _load_global)
