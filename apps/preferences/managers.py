"""Dict-like access to one scope owner's values: `manager["section__name"]`, `manager[key] = value`, …

Reads return the stored value, or the default from code when none is stored (reading writes nothing).
Site and tenant-wide values come from the process snapshot (no query when warm); a user's or a row's
values are loaded once per manager, which lives as long as its user or row object (one request).
"""

from collections.abc import Iterator
from typing import Any

from apps.core.tenancy import current_schema_name
from apps.preferences import cache
from apps.preferences.registries import PreferenceRegistry
from apps.preferences.services import (
    ANY,
    PreferenceChangeResult,
    preference_reset,
    preferences_set,
)
from apps.preferences.stores import GlobalStore, InstanceStore, ScopeStore, SiteStore, UserStore


class BasePreferencesManager:
    def __init__(self, registry: PreferenceRegistry, *, actor: Any = None, source: str = "manager") -> None:
        self.registry = registry
        self.actor = actor
        self.source = source

    # --- storage, provided by subclasses -------------------------------------------------------------
    def store(self) -> ScopeStore:
        raise NotImplementedError

    def _stored(self) -> dict[str, tuple[str, Any]]:
        raise NotImplementedError

    def _written(self) -> None:
        """Forget what was loaded, after this manager wrote."""

    # --- reading ------------------------------------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        preference = self.registry.get(key)
        stored = self._stored().get(preference.identifier)
        value = stored[1] if stored is not None else preference.get_default()
        return preference.copy_value(value)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self.registry else default

    def __contains__(self, key: object) -> bool:
        return key in self.registry

    def __iter__(self) -> Iterator[str]:
        return iter(self.registry.keys())

    def __len__(self) -> int:
        return len(self.registry)

    def keys(self) -> list[str]:
        return self.registry.keys()

    def all(self) -> dict[str, Any]:
        """Return {key: value} for every registered preference."""
        return {preference.identifier: self[preference.identifier] for preference in self.registry}

    def by_name(self) -> dict[str, Any]:
        """Return {name: value}, keyed by name without the section."""
        return {preference.name: self[preference.identifier] for preference in self.registry}

    def get_by_name(self, name: str) -> Any:
        return self[self.registry.get_by_name(name).identifier]

    def raw(self, key: str) -> str | None:
        """Return the stored JSON text of `key`, or None when the default applies."""
        stored = self._stored().get(self.registry.get(key).identifier)
        return stored[0] if stored is not None else None

    def is_default(self, key: str) -> bool:
        return self.raw(key) is None

    # --- writing ------------------------------------------------------------------------------------
    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def update(
        self, values: dict[str, Any], *, expected_raw: dict[str, str | None] | None = None, source: str | None = None
    ) -> list[PreferenceChangeResult]:
        """Validate and store several values in one transaction (all or nothing)."""
        try:
            return preferences_set(
                store=self.store(),
                values=values,
                actor=self.actor,
                source=source or self.source,
                expected_raw=expected_raw,
            )
        finally:
            self._written()

    def reset(self, key: str, *, expected_raw: Any = ANY, source: str | None = None) -> Any:
        """Remove the stored value so the default applies again."""
        try:
            return preference_reset(
                store=self.store(), key=key, actor=self.actor, source=source or self.source, expected_raw=expected_raw
            )
        finally:
            self._written()

    def changes(self) -> Any:
        """Return this owner's change history, newest first."""
        return self.store().changes()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.registry.verbose_name}>"


class _SnapshotManager(BasePreferencesManager):
    # The snapshot's key is fixed when the manager is made, so a read is a few dict lookups.
    cache_key: str

    def _stored(self) -> dict[str, tuple[str, Any]]:
        return cache.snapshot(self.cache_key).values


class SitePreferencesManager(_SnapshotManager):
    cache_key = "site"

    def store(self) -> ScopeStore:
        return SiteStore()


class GlobalPreferencesManager(_SnapshotManager):
    """The values of the tenant whose schema is active when the manager is made (its schema is kept)."""

    def __init__(self, registry: PreferenceRegistry, **kwargs: Any) -> None:
        super().__init__(registry, **kwargs)
        self.schema_name = current_schema_name()
        self.cache_key = f"global:{self.schema_name}"

    def store(self) -> ScopeStore:
        return GlobalStore(self.schema_name)


class InstancePreferencesManager(BasePreferencesManager):
    """One user's or one row's values, loaded once (one query) and reloaded after a write."""

    def __init__(self, registry: PreferenceRegistry, instance: Any, **kwargs: Any) -> None:
        super().__init__(registry, **kwargs)
        self.instance = instance
        self._cache: dict[str, tuple[str, Any]] | None = None

    def store(self) -> ScopeStore:
        if self.registry.scope == "user":
            return UserStore(self.instance)
        return InstanceStore(self.registry, self.instance)

    def _stored(self) -> dict[str, tuple[str, Any]]:
        if self._cache is None:
            self._cache = self.store().load()
        return self._cache

    def _written(self) -> None:
        self._cache = None
