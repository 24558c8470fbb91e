"""Where each scope's values live: one store per scope owner (the site, a tenant, a user, a model row).

A store is given the registry that declares its preferences (stores never import the registries), knows
its rows, how to record their history and, for the cached scopes, the key of its process snapshot.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import JSONBAgg
from django.db import connection, models
from django.db.models.functions import JSONObject

from apps.accounts.models import group_rank
from apps.core.tenancy import current_schema_name
from apps.preferences import cache
from apps.preferences.declarations import PreferenceRegistry
from apps.preferences.models import (
    GlobalPreference,
    InstancePreference,
    PreferenceChange,
    UserPreference,
    UserPreferenceDefault,
)
from apps.preferences.site.models import SitePreference, SitePreferenceChange

logger = logging.getLogger(__name__)

StoredValues = dict[str, tuple[str, Any]]  # {key: (raw JSON text, decoded value)}


@dataclass(frozen=True)
class StoredDefault:
    """An owner's default of one user preference: its stored text, value, lock, and whose it is."""

    raw: str
    value: Any
    locked: bool
    group_id: int | None = None  # None: the organisation's
    group_name: str = ""


# A user's groups' defaults, {key: [StoredDefault, …]} highest-priority group first.
GroupDefaults = dict[str, list[StoredDefault]]


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
    # Whether rows carry a `locked` flag (the owners' defaults of user preferences).
    lockable = False
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

    def lock_reason(self, key: str) -> str:
        """Return why this owner may not set `key` ("" when they may): a user preference locked by an owner."""
        return ""


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
    """One user's own values; loaded together with the defaults of the user's groups (one query)."""

    scope = "user"
    model = UserPreference
    unique_fields = ["user", "section", "name"]

    def __init__(self, registry: PreferenceRegistry, user: Any) -> None:
        super().__init__(registry)
        self.user = user
        self._group_defaults: GroupDefaults | None = None
        # The signed-in user arrives with their stored values and their groups' defaults
        # (`with_stored_preferences`, in the query that loads the user): no query of our own.
        if SIGNED_IN_ROWS in user.__dict__:
            own = user.__dict__[SIGNED_IN_ROWS] or []
            groups = user.__dict__.get(SIGNED_IN_GROUP_ROWS) or []
            self._loaded = decode_rows(registry, [(row["s"], row["n"], row["r"]) for row in own])
            self._group_defaults = decode_group_defaults(
                registry, [(row["s"], row["n"], row["r"], row["l"], row["g"], row["gn"], row["p"]) for row in groups]
            )

    def load(self) -> StoredValues:
        """Return the user's own values; keep their groups' defaults, read by the same query (a UNION)."""
        own_rows, group_rows = [], []
        for kind, section, name, raw, locked, group_id, group_name, priority in user_and_group_rows(self.user):
            if kind == 0:
                own_rows.append((section, name, raw))
            else:
                group_rows.append((section, name, raw, locked, group_id, group_name, priority))
        self._group_defaults = decode_group_defaults(self.registry, group_rows)
        return decode_rows(self.registry, own_rows)

    def group_defaults(self) -> GroupDefaults:
        """Return the defaults of the user's groups, highest-priority group first (loaded with `loaded()`)."""
        defaults = self._group_defaults
        if defaults is None:  # on every read of a user preference: check before calling anything
            self.loaded()
            defaults = self._group_defaults
            assert defaults is not None
        return defaults

    def forget(self) -> None:
        super().forget()
        self._group_defaults = None

    def lock_reason(self, key: str) -> str:
        # The write path asks: read the locks as they are now, not as this request first loaded them.
        section, _, name = key.rpartition("__")
        org = UserPreferenceDefault.objects.filter(group__isnull=True, section=section, name=name, locked=True)
        if org.exists():
            return "Locked by your organisation."
        group = (
            UserPreferenceDefault.objects.filter(group__user=self.user, section=section, name=name, locked=True)
            .values_list("group__name", flat=True)
            .first()
        )
        return f"Locked by group {group}." if group else ""

    def queryset(self) -> models.QuerySet[Any]:
        return UserPreference.objects.filter(user=self.user)

    def owner_fields(self) -> dict[str, Any]:
        return {"user": self.user}

    def change_fields(self) -> dict[str, Any]:
        return {"scope": self.scope, "owner": str(self.user.pk)}


SIGNED_IN_ROWS = "stored_preference_rows"
SIGNED_IN_GROUP_ROWS = "group_default_rows"


def with_stored_preferences(users: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Return `users` annotated with their stored values and their groups' defaults, as JSON rows a UserStore
    decodes without a query of its own."""
    rows = (
        UserPreference.objects.filter(user=models.OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(rows=JSONBAgg(JSONObject(s="section", n="name", r="raw_value")))
        .values("rows")
    )
    group_rows = (
        UserPreferenceDefault.objects.filter(group__user=models.OuterRef("pk"))
        .order_by()
        .values("group__user")
        .annotate(
            rows=JSONBAgg(
                JSONObject(
                    s="section",
                    n="name",
                    r="raw_value",
                    l="locked",
                    g="group_id",
                    gn="group__name",
                    p="group__profile__priority",
                )
            )
        )
        .values("rows")
    )
    return users.annotate(**{SIGNED_IN_ROWS: models.Subquery(rows), SIGNED_IN_GROUP_ROWS: models.Subquery(group_rows)})


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


def user_and_group_rows(user: Any) -> list[tuple[Any, ...]]:
    """Return the user's own rows and their groups' default rows in one query (kind 0: own, 1: a group's)."""
    own = (
        UserPreference.objects.filter(user=user)
        .order_by()
        .values_list(
            models.Value(0, output_field=models.IntegerField()),
            "section",
            "name",
            "raw_value",
            models.Value(False, output_field=models.BooleanField()),
            models.Value(None, output_field=models.IntegerField()),
            models.Value("", output_field=models.CharField()),
            models.Value(None, output_field=models.IntegerField()),
        )
    )
    groups = (
        UserPreferenceDefault.objects.filter(group__user=user)
        .order_by()
        .values_list(
            models.Value(1, output_field=models.IntegerField()),
            "section",
            "name",
            "raw_value",
            "locked",
            "group_id",
            "group__name",
            "group__profile__priority",
        )
    )
    return list(own.union(groups, all=True))


def decode_group_defaults(registry: PreferenceRegistry, rows: list[tuple[Any, ...]]) -> GroupDefaults:
    """Return {key: [StoredDefault…]} with the groups in their one order (`apps.accounts.models.group_rank`)."""
    result: GroupDefaults = {}
    for section, name, raw, locked, group_id, group_name, _ in sorted(
        rows, key=lambda row: group_rank(row[6], row[5] or "")
    ):
        for key, (stored_raw, value) in decode_rows(registry, [(section, name, raw)]).items():
            result.setdefault(key, []).append(StoredDefault(stored_raw, value, bool(locked), group_id, group_name))
    return result


def decode_defaults(registry: PreferenceRegistry, rows: Any) -> dict[str, StoredDefault]:
    """Return {key: StoredDefault} of the organisation's default rows (section, name, raw, locked)."""
    result = {}
    for section, name, raw, locked in rows:
        for key, (stored_raw, value) in decode_rows(registry, [(section, name, raw)]).items():
            result[key] = StoredDefault(stored_raw, value, bool(locked))
    return result


class OrganisationDefaultsStore(ScopeStore):
    """The organisation's defaults of user preferences; they live in the tenant's snapshot (its version token)."""

    scope = "org_default"
    model = UserPreferenceDefault
    unique_fields = ["group", "section", "name"]
    lockable = True

    def __init__(self, registry: PreferenceRegistry, schema_name: str | None = None) -> None:
        super().__init__(registry)
        self.schema_name = schema_name or current_schema_name()
        if self.schema_name == settings.PUBLIC_SCHEMA_NAME:
            raise RuntimeError("Defaults of user preferences belong to a tenant; the public schema has none.")
        # Writes bump the tenant's token: readers reload the tenant's snapshot, which holds these defaults.
        self.cache_key = cache.global_key(self.schema_name)

    def queryset(self) -> models.QuerySet[Any]:
        return UserPreferenceDefault.objects.filter(group__isnull=True)

    def owner_fields(self) -> dict[str, Any]:
        return {"group": None}

    def change_fields(self) -> dict[str, Any]:
        return {"scope": self.scope, "owner": ""}

    def defaults(self) -> dict[str, StoredDefault]:
        """Return the stored defaults with their locks, in one query."""
        return decode_defaults(self.registry, self.queryset().values_list("section", "name", "raw_value", "locked"))


class GroupDefaultsStore(ScopeStore):
    """One group's defaults of user preferences; members load them with their own values."""

    scope = "group_default"
    model = UserPreferenceDefault
    unique_fields = ["group", "section", "name"]
    lockable = True

    def __init__(self, registry: PreferenceRegistry, group: Any) -> None:
        super().__init__(registry)
        self.group = group

    def queryset(self) -> models.QuerySet[Any]:
        return UserPreferenceDefault.objects.filter(group=self.group)

    def owner_fields(self) -> dict[str, Any]:
        return {"group": self.group}

    def change_fields(self) -> dict[str, Any]:
        return {"scope": self.scope, "owner": str(self.group.pk)}

    def defaults(self) -> dict[str, StoredDefault]:
        """Return the stored defaults with their locks, in one query."""
        return decode_defaults(self.registry, self.queryset().values_list("section", "name", "raw_value", "locked"))


def _qualified_table(schema_name: str, model: type[models.Model]) -> str:
    def quote(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    return f"{quote(schema_name)}.{quote(model._meta.db_table)}"


def tenant_scope_load(
    schema_name: str, *, values_registry: PreferenceRegistry, defaults_registry: PreferenceRegistry
) -> tuple[StoredValues, dict[str, StoredDefault]]:
    """Return a tenant's values and its organisation's defaults of user preferences: what its snapshot holds.

    One query, rows as tuples, the tables named with their schema: no model instances, and no switch of the
    connection's schema (each switch costs a `SET search_path` now and another when the request goes back).
    """
    sql = (
        f"SELECT false, section, name, raw_value, false FROM {_qualified_table(schema_name, GlobalPreference)}"
        " UNION ALL"
        f" SELECT true, section, name, raw_value, locked FROM {_qualified_table(schema_name, UserPreferenceDefault)}"
        " WHERE group_id IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    values = decode_rows(
        values_registry, [(section, name, raw) for is_default, section, name, raw, _ in rows if not is_default]
    )
    defaults = decode_defaults(
        defaults_registry,
        [(section, name, raw, locked) for is_default, section, name, raw, locked in rows if is_default],
    )
    return values, defaults
