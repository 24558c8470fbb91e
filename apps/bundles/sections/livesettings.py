"""The live-setting overrides: the tenant's own values of the live settings owners may override, by setting name."""

from typing import Any

from django.core.exceptions import ValidationError

from apps.bundles.plan import BundlePlan, call_as, pointer
from apps.bundles.sections.preferences import SOURCE, store_diff, stored_json, value_clean
from apps.livesettings.registry import live_settings_registry
from apps.livesettings.services import tenant_override_reset, tenant_override_set
from apps.preferences.registries import global_preferences_registry
from apps.tenants.models import Tenant


def override_keys() -> dict[str, str]:
    """Return {preference key: setting name} of the overridable live settings (global preferences)."""
    return {
        live_settings_registry.override(preference.setting).identifier: preference.setting
        for preference in live_settings_registry.overridable()
    }


def live_setting_overrides_export() -> dict[str, Any]:
    """Return the current tenant's overrides, {setting: stored JSON}: the one place a bundle reads them.

    Whatever must never leave the portal (a secret setting's value) is held back here.
    """
    keys = override_keys()
    return {
        keys[key]: value
        for key, value in sorted(stored_json(global_preferences_registry.store()).items())
        if key in keys
    }


class LiveSettingsSection:
    """`"live_settings": {"SESSION_EXPIRE_SECONDS": 900}`: the overrides someone set."""

    key = "live_settings"

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "This tenant's own values of live settings owners may override, by setting name.",
            "propertyNames": {"pattern": "^[A-Z][A-Z0-9_]*$"},
            "additionalProperties": True,
        }

    def export(self, tenant: Tenant) -> dict[str, Any]:
        return live_setting_overrides_export()

    def plan(self, tenant: Tenant, data: dict[str, Any], plan: BundlePlan) -> None:
        store, keys = global_preferences_registry.store(), override_keys()
        by_setting = {setting: key for key, setting in keys.items()}
        wanted: dict[str, tuple[Any, str]] = {}
        for setting, value in data.items():
            path = pointer(self.key, setting)
            if setting not in by_setting:
                plan.refuse(path, f"{setting} is not a live setting owners may override.")
                continue
            try:
                wanted[by_setting[setting]] = value_clean(store, by_setting[setting], value)
            except ValidationError as exc:
                plan.refuse(path, *exc.messages)
        # The diff names settings, not preference keys.
        values, resets = store_diff(plan, section=self.key, store=store, wanted=wanted, owned=lambda key: key in keys)
        plan.changes[:] = [_by_setting(change, keys) for change in plan.changes]
        for key, value in values.items():
            plan.step(
                pointer(self.key, keys[key]),
                call_as(tenant_override_set, setting=keys[key], value=value, source=SOURCE),
            )
        for key in resets:
            plan.step(
                pointer(self.key, keys[key]),
                call_as(tenant_override_reset, setting=keys[key], source=SOURCE),
            )


def _by_setting(change: Any, keys: dict[str, str]) -> Any:
    prefix = pointer(LiveSettingsSection.key) + "/"
    name = change.path.removeprefix(prefix)
    if change.path.startswith(prefix) and name in keys:
        return type(change)(prefix + keys[name], change.kind, change.old, change.new)
    return change
