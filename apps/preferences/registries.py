"""Registries collect preference classes per scope; `registry.manager()` reads and writes their values.

- `site_preferences_registry`: one set for the whole site (public schema); live settings build on it.
- `global_preferences_registry`: one set per tenant.
- `user_preferences_registry`: one set per user of a tenant (`user.preferences`).
- `instance_preferences_registry(Model)`: one set per row of any model (`group.preferences`).

`registry.store(…)` returns where the values of one owner live, to pass to `apps.preferences.services`.
`snapshots_are_pinned()` and `snapshots_reload()` are for preferences declared at runtime (custom live settings):
whether this request's snapshots are pinned, and reload them once new keys are declared.
This module sits above managers, services and stores: they are given a registry, never import one.
"""

from typing import Any

from django.db import models

from apps.preferences import cache
from apps.preferences.declarations import PreferenceRegistry
from apps.preferences.managers import (
    DefaultsManager,
    GlobalPreferencesManager,
    InstancePreferencesManager,
    SitePreferencesManager,
    UserPreferencesManager,
)
from apps.preferences.stores import (
    GlobalStore,
    GroupDefaultsStore,
    InstanceStore,
    OrganisationDefaultsStore,
    SiteStore,
    StoredDefault,
    UserStore,
    tenant_scope_load,
)

__all__ = [
    "GlobalPreferenceRegistry",
    "InstancePreferenceRegistry",
    "PreferenceRegistry",
    "PreferencesDescriptor",
    "SitePreferenceRegistry",
    "UserPreferenceRegistry",
    "global_preferences_registry",
    "instance_preferences_registry",
    "instance_registries",
    "site_preferences_registry",
    "site_snapshot_version",
    "snapshots_are_pinned",
    "snapshots_reload",
    "user_preferences_registry",
]

snapshots_are_pinned = cache.snapshots_are_pinned


def site_snapshot_version() -> str | None:
    """Return the version token of the site's values pinned for this request (None: none, or not proven)."""
    return cache.pinned_version(cache.SITE_KEY)


snapshots_reload = cache.snapshots_reload


class SitePreferenceRegistry(PreferenceRegistry):
    scope = "site"

    def store(self) -> SiteStore:
        """Return where the site's values live (public schema)."""
        return SiteStore(self)

    def manager(self) -> SitePreferencesManager:
        """Return the manager of the site's values (public schema)."""
        return SitePreferencesManager(self, self.store())


class GlobalPreferenceRegistry(PreferenceRegistry):
    scope = "global"

    def store(self, schema_name: str | None = None) -> GlobalStore:
        """Return where a tenant's values live (the current tenant's when `schema_name` is None)."""
        return GlobalStore(self, schema_name)

    def manager(self) -> GlobalPreferencesManager:
        """Return the manager of the current tenant's values."""
        return GlobalPreferencesManager(self, self.store())


class UserPreferenceRegistry(PreferenceRegistry):
    scope = "user"

    def store(self, user: Any) -> UserStore:
        """Return where one user's values live."""
        return UserStore(self, user)

    def manager(self, user: Any) -> UserPreferencesManager:
        """Return the manager of one user's effective values (usually reached as `user.preferences`)."""
        return UserPreferencesManager(self, self.store(user))

    def organisation_defaults_store(self, schema_name: str | None = None) -> OrganisationDefaultsStore:
        """Return where the current tenant's defaults of these preferences live (one per key, maybe locked)."""
        return OrganisationDefaultsStore(self, schema_name)

    def group_defaults_store(self, group: Any) -> GroupDefaultsStore:
        """Return where one group's defaults of these preferences live."""
        return GroupDefaultsStore(self, group)

    def organisation_defaults(self) -> DefaultsManager:
        """Return the manager of the current tenant's defaults (read from the tenant's snapshot)."""
        return DefaultsManager(self, self.organisation_defaults_store())

    def group_defaults(self, group: Any) -> DefaultsManager:
        """Return the manager of one group's defaults."""
        return DefaultsManager(self, self.group_defaults_store(group))


class InstancePreferenceRegistry(PreferenceRegistry):
    """Preferences of each row of one model; values are stored generically (content type + object id)."""

    scope = "instance"

    def __init__(self, model: type[models.Model], *, verbose_name: str) -> None:
        super().__init__(verbose_name=verbose_name)
        self.model = model

    def store(self, instance: models.Model) -> InstanceStore:
        """Return where one row's values live."""
        return InstanceStore(self, instance)

    def manager(self, instance: models.Model) -> InstancePreferencesManager:
        """Return the manager of one row's values (usually reached as `instance.preferences`)."""
        return InstancePreferencesManager(self, self.store(instance))


class PreferencesDescriptor:
    """`instance.preferences`: the manager of that row's values, made once per Python object."""

    def __init__(self, registry: PreferenceRegistry) -> None:
        self.registry = registry

    def __get__(self, instance: Any, owner: type) -> Any:
        if instance is None:
            return self
        manager = instance.__dict__.get("_preferences_manager")
        if manager is None:
            manager = self.registry.manager(instance)
            instance.__dict__["_preferences_manager"] = manager
        return manager


site_preferences_registry = SitePreferenceRegistry(verbose_name="site preferences")
global_preferences_registry = GlobalPreferenceRegistry(verbose_name="global preferences")
user_preferences_registry = UserPreferenceRegistry(verbose_name="user preferences")
_instance_registries: dict[type[models.Model], InstancePreferenceRegistry] = {}


def instance_preferences_registry(model: type[models.Model]) -> InstancePreferenceRegistry:
    """Return the per-instance registry of `model`, creating it and `model.preferences` the first time."""
    registry = _instance_registries.get(model)
    if registry is None:
        registry = InstancePreferenceRegistry(model, verbose_name=f"{model._meta.verbose_name} preferences")
        _instance_registries[model] = registry
        model.preferences = PreferencesDescriptor(registry)  # type: ignore[attr-defined]
    return registry


def instance_registries() -> dict[type[models.Model], InstancePreferenceRegistry]:
    """Return every per-instance registry made so far, by model."""
    return dict(_instance_registries)


def _load_site(_: str) -> dict[str, tuple[str, Any]]:
    return site_preferences_registry.store().load()


def _load_global(schema_name: str) -> tuple[dict[str, tuple[str, Any]], dict[str, StoredDefault]]:
    # The tenant's snapshot also holds its defaults of user preferences: warm reads cost no query. Both come in
    # one query naming the schema's tables, whichever schema is active.
    return tenant_scope_load(
        schema_name, values_registry=global_preferences_registry, defaults_registry=user_preferences_registry
    )


# The snapshot cache is told how to load each cached scope here, where the registries are known.
cache.register_loader("site", _load_site)
cache.register_scope_loader("global", _load_global)
