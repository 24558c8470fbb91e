"""Where each scope's values live: one store per scope owner (the site, a tenant, a user, a model row).

A store is given the registry that declares its preferences (stores never import the registries), knows
its rows, how to record their history and, for the cached scopes, the key of its process snapshot.
"""

import logging
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import JSONBAgg
from django.db import models
from django.db.models.functions import JSONObject

from apps.core.tenancy import current_schema_name
from apps.preferences import cache
from apps.preferences.declarations import PreferenceRegistry
from apps.preferences.models import GlobalPreference, InstancePreference, PreferenceChange, UserPreference
from apps.preferences.site.models import SitePreference, SitePreferenceChange

logger = logging.getLogger(__name__)

StoredValues = dict[str, tuple[str, Any]]  # {key: (raw JSON text, decoded value)}


def decode_rows(registry: PreferenceRegistry, rows: Any) -> StoredValues:
    """Return {key: (raw, value)} for stored rows; unknown keys and undecodable values are left out (default)."""
    values = {}
    for section, name, raw in rows:
        key = f"{section}__{name}" if section else name
        if key not in registry:
            continue  # No longer declared: `manage.py checkpreferences` reports and deletes these.
        stored = registry.get(key).stored_value(raw)
        if stored.decodes:
            values[key] = (raw, stored.value)
        else:
            logger.warning(
                "Preference %s (%s): stored value ignored, using the default: %s", key, registry.scope, stored.error
            )
    return values


class ScopeStore:
    """The rows of one scope owner, and how to record their history."""

    scope: str
    model: type[models.Model]
    change_model: type[models.Model] = PreferenceChange
    unique_fields: list[str] = ["section", "name"]
    # Key of the process snapshot for cached scopes; None for per-request scopes (users, instances).
    cache_key: str | None = None

    def __init__(self, registry: PreferenceRegistry) -> None:
        self.registry = registry
        self._loaded: StoredValues | None = None

    def queryset(self) -> models.QuerySet[Any]:
        return self.model._default_manager.all()

    def owner_fields(self) -> dict[str, Any]:
        return {}

    def change_fields(self) -> dict[str, Any]:
        return {"scope": self.scope, "owner": ""}

    def changes(self) -> models.QuerySet[Any]:
        """Return this owner's history, newest first."""
        return self.change_model._default_manager.filter(**self.change_fields())

    def load(self) -> StoredValues:
        """Return the decoded stored values of this owner, in one query."""
        return decode_rows(self.registry, self.queryset().values_list("section", "name", "raw_value"))

    def loaded(self) -> StoredValues:
        """Return the values loaded once by this store object (a per-request scope's reads)."""
        if self._loaded is None:
            self._loaded = self.load()
        return self._loaded

    def forget(self) -> None:
        """Drop what `loaded()` kept: the service calls this after every write through this store."""
        self._loaded = None


class SiteStore(ScopeStore):
    # The site tables exist only in the public schema, which is on every tenant's search path.
    scope = "site"
    model = SitePreference
    change_model = SitePreferenceChange
    cache_key = cache.SITE_KEY

    def change_fields(self) -> dict[str, Any]:
        return {}


class GlobalStore(ScopeStore):
    """One tenant's values: the tenant whose schema is active when the store is made, unless named."""

    scope = "global"
    model = GlobalPreference

    def __init__(self, registry: PreferenceRegistry, schema_name: str | None = None) -> None:
        super().__init__(registry)
        self.schema_name = schema_name or current_schema_name()
        if self.schema_name == settings.PUBLIC_SCHEMA_NAME:
            raise RuntimeError("Global preferences belong to a tenant; the public schema has none.")
        self.cache_key = cache.global_key(self.schema_name)


class UserStore(ScopeStore):
    scope = "user"
    model = UserPreference
    unique_fields = ["user", "section", "name"]

    def __init__(self, registry: PreferenceRegistry, user: Any) -> None:
        super().__init__(registry)
        self.user = user
        # The signed-in user arrives with their stored values (`with_stored_preferences`): no query of our own.
        if SIGNED_IN_ROWS in user.__dict__:
            rows = user.__dict__[SIGNED_IN_ROWS] or []
            self._loaded = decode_rows(registry, [(row["s"], row["n"], row["r"]) for row in rows])

    def queryset(self) -> models.QuerySet[Any]:
        return UserPreference.objects.filter(user=self.user)

    def owner_fields(self) -> dict[str, Any]:
        return {"user": self.user}

    def change_fields(self) -> dict[str, Any]:
        return {"scope": self.scope, "owner": str(self.user.pk)}


SIGNED_IN_ROWS = "stored_preference_rows"


def with_stored_preferences(users: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Return `users` annotated with their stored values, as JSON rows a UserStore decodes without a query."""
    rows = (
        UserPreference.objects.filter(user=models.OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(rows=JSONBAgg(JSONObject(s="section", n="name", r="raw_value")))
        .values("rows")
    )
    return users.annotate(**{SIGNED_IN_ROWS: models.Subquery(rows)})


class InstanceStore(ScopeStore):
    scope = "instance"
    model = InstancePreference
    unique_fields = ["content_type", "object_id", "section", "name"]

    def __init__(self, registry: PreferenceRegistry, instance: models.Model) -> None:
        super().__init__(registry)
        self.instance = instance
        self.content_type = ContentType.objects.get_for_model(instance)

    def queryset(self) -> models.QuerySet[Any]:
        return InstancePreference.objects.filter(content_type=self.content_type, object_id=str(self.instance.pk))

    def owner_fields(self) -> dict[str, Any]:
        return {"content_type": self.content_type, "object_id": str(self.instance.pk)}

    def change_fields(self) -> dict[str, Any]:
        return {"scope": self.scope, "owner": f"{self.content_type.pk}:{self.instance.pk}"}
