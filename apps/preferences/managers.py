"""Dict-like access to one scope owner's values: `manager["section__name"]`, `manager[key] = value`, …

Reads return the stored value, or the default from code when none is stored (reading writes nothing).
Site and tenant-wide values come from the process snapshot (no query when warm); a user's or a row's
values are loaded once per manager, which lives as long as its user or row object (one request).
"""

from collections.abc import Iterator
from typing import Any

from apps.preferences import cache
from apps.preferences.declarations import PreferenceRegistry
from apps.preferences.services import (
    ANY,
    PreferenceChangeResult,
    preference_reset,
    preferences_set,
)
from apps.preferences.stores import ScopeStore

# What `manager[key] = value` and `manager.update()` record as the path of a change made in code.
MANAGER_SOURCE = "manager"


class BasePreferencesManager:
    """Reads of one owner's values; its writes call the service as code would (actor "system", source "manager").

    Pages, the API, the admin and the commands call `apps.preferences.services` themselves, with the actor
    and the source of the change, passing `manager.store()`.
    """

    def __init__(self, registry: PreferenceRegistry, store: ScopeStore) -> None:
        self.registry = registry
        self._store = store

    def store(self) -> ScopeStore:
        """Return where this manager's values live, to pass to the service."""
        return self._store

    def _stored(self) -> dict[str, tuple[str, Any]]:
        raise NotImplementedError

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
        self, values: dict[str, Any], *, expected_raw: dict[str, str | None] | None = None
    ) -> list[PreferenceChangeResult]:
        """Validate and store several values in one transaction (all or nothing); return what changed."""
        return preferences_set(store=self._store, values=values, source=MANAGER_SOURCE, expected_raw=expected_raw)

    def reset(self, key: str, *, expected_raw: Any = ANY) -> PreferenceChangeResult | None:
        """Remove the stored value so the default applies again; return the change, or None if it already did."""
        return preference_reset(store=self._store, key=key, source=MANAGER_SOURCE, expected_raw=expected_raw)

    def changes(self) -> Any:
        """Return this owner's change history, newest first."""
        return self.store().changes()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.registry.verbose_name}>"


class _SnapshotManager(BasePreferencesManager):
    # The snapshot's key is fixed when the manager is made, so a read is a few dict lookups.
    cache_key: str

    def __init__(self, registry: PreferenceRegistry, store: ScopeStore) -> None:
        super().__init__(registry, store)
        assert store.cache_key is not None, "a snapshot manager needs a cached scope's store"
        self.cache_key = store.cache_key

    def _stored(self) -> dict[str, tuple[str, Any]]:
        return cache.snapshot(self.cache_key).values


class SitePreferencesManager(_SnapshotManager):
    """The site's values (public schema)."""


class GlobalPreferencesManager(_SnapshotManager):
    """The values of the tenant whose schema is active when the manager is made (its store keeps the schema)."""


class InstancePreferencesManager(BasePreferencesManager):
    """One user's or one row's values, loaded once (one query) by its store, and again after a write."""

    def _stored(self) -> dict[str, tuple[str, Any]]:
        return self._store.loaded()
