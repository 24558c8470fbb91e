"""Dict-like access to one scope owner's values: `manager["section__name"]`, `manager[key] = value`, …

Reads return the stored value, or the default from code when none is stored (reading writes nothing).
Site and tenant-wide values come from the process snapshot (no query when warm); a user's or a row's
values are loaded once per manager, which lives as long as its user or row object (one request).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from apps.core.tenancy import current_schema_name
from apps.preferences import cache
from apps.preferences.declarations import PreferenceRegistry
from apps.preferences.services import (
    ANY,
    PreferenceChangeResult,
    preference_reset,
    preferences_set,
)
from apps.preferences.stores import GroupDefaultsStore, ScopeStore, StoredDefault, UserStore
from apps.preferences.types import BasePreferenceType

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

    def __getitem__(self, key: str) -> Any:
        # The warm read of every request: the base class's, without its method calls.
        preference = self.registry.get(key)  # registered under its identifier: `key` is the identifier
        stored = cache.snapshot(self.cache_key).values.get(key)
        value = stored[1] if stored is not None else preference.get_default()
        return preference.copy_value(value) if preference.mutable else value


class SitePreferencesManager(_SnapshotManager):
    """The site's values (public schema)."""


class GlobalPreferencesManager(_SnapshotManager):
    """The values of the tenant whose schema is active when the manager is made (its store keeps the schema)."""


class InstancePreferencesManager(BasePreferencesManager):
    """One user's or one row's values, loaded once (one query) by its store, and again after a write."""

    def _stored(self) -> dict[str, tuple[str, Any]]:
        return self._store.loaded()


# --- inheritance of user preferences ------------------------------------------------------------------------
LOCKED_ORGANISATION = "locked-organisation"
LOCKED_GROUP = "locked-group"
OWN = "own"
GROUP = "group"
ORGANISATION = "organisation"
DEFAULT = "default"


# slots, not frozen: a frozen dataclass's __init__ is several times slower, and reads make one per inherited key.
@dataclass(slots=True)
class Resolution:
    """A user preference's effective value and the rule that produced it.

    `source`: locked-organisation, locked-group, own, group, organisation or default; `group` names the group
    for the group sources. `inherited` is what applies without the user's own value (None when that is this).
    """

    value: Any
    raw: str | None  # the stored text in effect; None: the default from code
    source: str
    group: str = ""
    inherited: "Resolution | None" = None

    @property
    def locked(self) -> bool:
        return self.source in (LOCKED_ORGANISATION, LOCKED_GROUP)

    @property
    def label(self) -> str:
        """Return where the value comes from, as the member's pages say it."""
        return {
            LOCKED_ORGANISATION: "locked by your organisation",
            LOCKED_GROUP: f"locked by group {self.group}",
            OWN: "your value",
            GROUP: f"from group {self.group}",
            ORGANISATION: "from your organisation",
            DEFAULT: "default",
        }[self.source]


def user_preference_resolve(
    preference: BasePreferenceType,
    *,
    own: tuple[str, Any] | None,
    groups: list[StoredDefault],
    organisation: StoredDefault | None,
) -> Resolution:
    """Return the effective value of one user preference: the one rule every reader uses.

    A lock (the organisation's beats a group's; among groups the highest-priority one) → the user's own value
    → the highest-priority group's default → the organisation's default → the default from code.
    `groups` is in priority order, highest first.
    """
    if organisation is not None and organisation.locked:
        return Resolution(organisation.value, organisation.raw, LOCKED_ORGANISATION)
    for default in groups:
        if default.locked:
            return Resolution(default.value, default.raw, LOCKED_GROUP, default.group_name)
    if groups:
        inherited = Resolution(groups[0].value, groups[0].raw, GROUP, groups[0].group_name)
    elif organisation is not None:
        inherited = Resolution(organisation.value, organisation.raw, ORGANISATION)
    else:
        inherited = Resolution(preference.get_default(), None, DEFAULT)
    if own is not None:
        return Resolution(own[1], own[0], OWN, inherited=inherited)
    return inherited


class UserPreferencesManager(InstancePreferencesManager):
    """One user's effective values (`user.preferences`): their own, else inherited from their groups, the
    organisation, or code; a locked default wins over their own value.

    The user's own values and their groups' defaults load in one query, once; the organisation's defaults
    come from the tenant's snapshot. `raw(key)` is still the user's own stored text (what their editor shows).
    """

    _store: UserStore

    def __init__(self, registry: PreferenceRegistry, store: ScopeStore) -> None:
        super().__init__(registry, store)
        self._organisation_key: str | None = None

    def organisation_defaults(self) -> dict[str, StoredDefault]:
        """Return the organisation's defaults of user preferences (from the tenant's snapshot)."""
        if self._organisation_key is None:
            self._organisation_key = cache.global_key(current_schema_name())
        extra = cache.snapshot(self._organisation_key).extra
        return extra if extra is not None else {}

    def resolve(self, key: str) -> Resolution:
        """Return the effective value of `key` and the rule that produced it."""
        preference = self.registry.get(key)
        identifier = preference.identifier
        own = self._stored().get(identifier)
        return user_preference_resolve(
            preference,
            own=own,
            groups=self._store.group_defaults().get(identifier, []),
            organisation=self.organisation_defaults().get(identifier),
        )

    def __getitem__(self, key: str) -> Any:
        # The hot path of every request: each lookup once, no method of the store or the manager in between
        # (a call costs as much as the lookups), and the plain read when nothing is inherited (the common case).
        preference = self.registry.get(key)  # registered under its identifier: `key` is the identifier
        store = self._store
        own_values, groups_by_key = store._loaded, store._group_defaults
        if own_values is None or groups_by_key is None:
            own_values, groups_by_key = store.loaded(), store.group_defaults()
        schema_key = self._organisation_key
        if schema_key is None:
            schema_key = self._organisation_key = cache.global_key(current_schema_name())
        organisation_defaults = cache.snapshot(schema_key).extra
        organisation = organisation_defaults.get(key) if organisation_defaults else None
        groups = groups_by_key.get(key)
        own = own_values.get(key)
        if organisation is None and not groups:
            value = own[1] if own is not None else preference.get_default()
        else:
            value = _inherited_value(preference, own, groups or [], organisation)
        return preference.copy_value(value) if preference.mutable else value


def _inherited_value(
    preference: BasePreferenceType,
    own: tuple[str, Any] | None,
    groups: list[StoredDefault],
    organisation: StoredDefault | None,
) -> Any:
    """`user_preference_resolve(...).value` without building the Resolution: the read path of every request.

    The same order, kept in step by tests/preferences/test_inheritance.py, which checks reads and resolve alike.
    """
    if organisation is not None and organisation.locked:
        return organisation.value
    for default in groups:
        if default.locked:
            return default.value
    if own is not None:
        return own[1]
    if groups:
        return groups[0].value
    if organisation is not None:
        return organisation.value
    return preference.get_default()


class DefaultsManager(BasePreferencesManager):
    """An owner's defaults of user preferences: the organisation's (tenant snapshot) or one group's (one query).

    `manager[key]` is the default a member would inherit from this level alone (the stored one, else code's).
    """

    def __init__(self, registry: PreferenceRegistry, store: ScopeStore) -> None:
        super().__init__(registry, store)
        self._group_defaults: dict[str, StoredDefault] = {}

    def defaults(self) -> dict[str, StoredDefault]:
        store = self._store
        if isinstance(store, GroupDefaultsStore):
            # The store's `_loaded` marks them loaded; the service's `forget()` after a write clears it.
            if store._loaded is None:
                store._loaded = {}
                self._group_defaults = store.defaults()
            return self._group_defaults
        assert store.cache_key is not None
        extra = cache.snapshot(store.cache_key).extra
        return extra if extra is not None else {}

    def _stored(self) -> dict[str, tuple[str, Any]]:
        return {key: (default.raw, default.value) for key, default in self.defaults().items()}

    def stored(self, key: str) -> StoredDefault | None:
        """Return the stored default of `key` with its lock, or None when this level sets none."""
        return self.defaults().get(self.registry.get(key).identifier)

    def locked(self, key: str) -> bool:
        stored = self.stored(key)
        return stored is not None and stored.locked
