"""The organisation preferences: the tenant's stored global values, as their serialized JSON, by key."""

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from apps.bundles.plan import CHANGED, NEW, REMOVED, BundlePlan, call_as, pointer
from apps.preferences.registries import global_preferences_registry
from apps.preferences.services import preference_clean, preference_reset, preferences_set
from apps.tenants.models import Tenant

SOURCE = "bundle"
# A preference store (`registry.store()`); its class is private to apps.preferences.
ScopeStore = Any


def stored_json(store: ScopeStore) -> dict[str, Any]:
    """Return {key: stored value as JSON} of a store's values (only keys someone set)."""
    return {key: json.loads(raw) for key, (raw, _) in store.load().items()}


def value_clean(store: ScopeStore, key: str, data: Any) -> tuple[Any, str]:
    """Return (value, stored text) of a JSON value for `key`, or raise ValidationError saying why not."""
    preference = store.registry.get(key)
    try:
        value = preference.get_serializer().from_json(data)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{json.dumps(data)} is not a valid value: {exc}.", code="invalid") from exc
    _, cleaned, raw = preference_clean(store=store, key=key, value=value)
    return cleaned, raw


def in_effect(store: ScopeStore, key: str, stored: dict[str, Any]) -> Any:
    """Return the JSON of the value that applies now: the stored one, else the default."""
    if key in stored:
        return stored[key]
    preference = store.registry.get(key)
    return json.loads(preference.get_serializer().serialize(preference.get_default()))


def store_diff(
    plan: BundlePlan,
    *,
    section: str,
    store: ScopeStore,
    wanted: dict[str, tuple[Any, str]],
    owned: Callable[[str], bool],
) -> tuple[dict[str, Any], list[str]]:
    """Add the changes that make `store` hold `wanted` ({key: (value, raw)}) among the keys `owned` says are
    the section's; return (values to set, keys to reset)."""
    stored = {key: raw for key, (raw, _) in store.load().items()}
    current = stored_json(store)
    values: dict[str, Any] = {}
    for key, (value, raw) in wanted.items():
        old = stored.get(key)
        new_json = json.loads(raw)
        if old == raw or (old is None and new_json == in_effect(store, key, current)):
            continue  # what applies already (the engine stores nothing for a value equal to the default)
        plan.change(pointer(section, key), NEW if old is None else CHANGED, in_effect(store, key, current), new_json)
        values[key] = value
    resets = [key for key in stored if owned(key) and key not in wanted]
    for key in resets:
        preference = store.registry.get(key)
        default = json.loads(preference.get_serializer().serialize(preference.get_default()))
        plan.change(pointer(section, key), REMOVED, current[key], default)
    return values, resets


class PreferencesSection:
    """`"preferences": {"general__title": "Acme", …}`: every stored organisation preference."""

    key = "preferences"

    def __init__(self, *, excluded: Any) -> None:
        # The keys another section carries (the live-setting overrides are global preferences too).
        self.excluded = excluded

    def _store(self) -> ScopeStore:
        return global_preferences_registry.store()

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "Organisation preferences someone set, by key (section__name), as their stored JSON.",
            "propertyNames": {"pattern": "^[A-Za-z0-9_]+$"},
            "additionalProperties": True,
        }

    def export(self, tenant: Tenant) -> dict[str, Any]:
        excluded = self.excluded()
        return {key: value for key, value in sorted(stored_json(self._store()).items()) if key not in excluded}

    def plan(self, tenant: Tenant, data: dict[str, Any], plan: BundlePlan) -> None:
        store, excluded = self._store(), self.excluded()
        wanted: dict[str, tuple[Any, str]] = {}
        for key, value in data.items():
            path = pointer(self.key, key)
            if key not in store.registry or key in excluded:
                plan.refuse(path, f"{key} is not an organisation preference.")
                continue
            try:
                wanted[key] = value_clean(store, key, value)
            except ValidationError as exc:
                plan.refuse(path, *exc.messages)
        values, resets = store_diff(
            plan, section=self.key, store=store, wanted=wanted, owned=lambda key: key not in excluded
        )
        self._steps(plan, values, resets)

    def _steps(self, plan: BundlePlan, values: dict[str, Any], resets: list[str]) -> None:
        if values:
            plan.step(
                pointer(self.key),
                call_as(preferences_set, store=self._store(), values=values, source=SOURCE),
            )
        for key in resets:
            plan.step(
                pointer(self.key, key),
                call_as(preference_reset, store=self._store(), key=key, source=SOURCE),
            )
