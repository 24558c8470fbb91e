"""Custom settings: live settings superadmins create at runtime, read as `settings.NAME` in every process.

Their definitions (name, type, help text, initial value, whether tenants may override it, whether it is secret)
are one site preference, `livesettings__custom_settings`, a JSON object by name; their values are site
preferences of the section "custom" like any live setting's. Both travel with the site snapshot and its version
token, so a process learns of a created, changed or deleted custom setting at its next request or task:
`custom_settings_sync()` compares the definitions in the pinned snapshot with those it registered, and
registers or unregisters the difference (then reloads the snapshots, which leave out values of undeclared keys).
It runs in requests and tasks when a live setting is read, when `settings.NAME` finds no such setting (a setting
created in another process), and before the console and the API list the settings; elsewhere (a shell, a
command) call `custom_settings_sync(force=True)` first.

Names: UPPER_SNAKE_CASE, and never a name Django or settings.py already has (DATABASES, SECRET_KEY…): those are
changed only by registering them as live settings in code.
"""

import json
import logging
import re
import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.conf import global_settings
from django.core.exceptions import ValidationError

from apps.livesettings.overlay import settings_py_names
from apps.livesettings.registry import LiveSettingMixin, TenantOverride, live_settings_registry
from apps.preferences.registries import (
    site_preferences_registry,
    site_snapshot_version,
    snapshots_are_pinned,
    snapshots_reload,
)
from apps.preferences.serializers import BaseSerializer
from apps.preferences.types import (
    BasePreferenceType,
    BooleanPreference,
    DecimalPreference,
    DurationPreference,
    IntegerPreference,
    Section,
    StringPreference,
)

logger = logging.getLogger(__name__)
NAME_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
# Names of the console's and the API's own paths beside the settings' (/console/settings/scheduled/, …).
RESERVED_NAMES = frozenset({"CUSTOM", "SCHEDULED", "HISTORY"})
CUSTOM_SECTION = Section(
    "custom", "Custom settings", "Settings created here by superadmins; code reads them as settings.NAME."
)
DEFINITIONS_KEY = "livesettings__custom_settings"


class JSONPreference(BasePreferenceType):
    """Any JSON value (objects, lists, numbers, text), entered as JSON text."""

    field_class = forms.JSONField
    json_type = "object"
    nullable = True

    def get_serializer(self) -> BaseSerializer:
        return BaseSerializer()

    def parse(self, value: Any) -> Any:
        return value


class _Definitions(BasePreferenceType):
    """The definitions of the custom settings, {NAME: {type, help_text, initial, overridable, secret}}."""

    section = Section("livesettings", "Live settings", listed=False)
    name = "custom_settings"
    default: ClassVar[Any] = {}
    mutable = True
    json_type = "object"

    def get_serializer(self) -> BaseSerializer:
        return BaseSerializer()

    def clean(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValidationError("The definitions are a JSON object by name.")
        return value


class _StringValue(StringPreference):
    field_kwargs = {"max_length": 1000}

    def clean(self, value: Any) -> Any:
        # Text is text: "" is a value too (an empty password), unlike the engine's "enter a value".
        return "" if value is None else super().clean(value)


class _SecretStringValue(_StringValue):
    widget = forms.PasswordInput(render_value=False)


class _JSONValue(JSONPreference):
    widget = forms.Textarea(attrs={"rows": 3})


# The types a superadmin may choose: (label, preference base class).
TYPES: dict[str, tuple[str, type[BasePreferenceType]]] = {
    "string": ("Text", _StringValue),
    "integer": ("Whole number", IntegerPreference),
    "decimal": ("Decimal number", DecimalPreference),
    "boolean": ("On/off", BooleanPreference),
    "duration": ("Duration (such as 1:30:00 or 90 seconds as 0:01:30)", DurationPreference),
    "json": ("JSON", _JSONValue),
}


def name_problem(name: str) -> str:
    """Return why `name` may not be a custom setting's name, or "" when it may."""
    if not NAME_PATTERN.match(name):
        return "Use UPPER_SNAKE_CASE: capital letters, digits and single underscores, starting with a letter."
    if name in RESERVED_NAMES:
        return f"{name} is reserved by the console."
    if name in live_settings_registry and not _is_custom(name):
        return f"{name} is a live setting already: change it on its own row."
    if hasattr(global_settings, name) or name in settings_py_names():
        return f"{name} is one of Django's or the portal's own settings; only code may make it live."
    return ""


def _is_custom(name: str) -> bool:
    return name in live_settings_registry and bool(getattr(live_settings_registry.get(name), "custom", False))


def preference_class(name: str, definition: Mapping[str, Any]) -> type[Any]:
    """Return the live-setting class of one custom setting's definition."""
    value_type = definition["type"]
    secret = bool(definition.get("secret"))
    initial = definition.get("initial")
    base = _SecretStringValue if secret and value_type == "string" else TYPES[value_type][1]
    attributes: dict[str, Any] = {
        "__module__": __name__,
        "setting": name,
        "name": name.lower(),
        "section": CUSTOM_SECTION,
        "verbose_name": name,
        "help_text": str(definition.get("help_text", "")),
        "custom": True,
        "value_type": value_type,
        "secret": secret,
        "tenant_override": TenantOverride.ANY if definition.get("overridable") else TenantOverride.NONE,
        # None only while a new setting's value is checked, before it has an initial value.
        "default": None if initial is None else base().get_serializer().deserialize(initial),
    }
    return type(f"Custom{name.title().replace('_', '')}", (LiveSettingMixin, base), attributes)


def definitions() -> dict[str, dict[str, Any]]:
    """Return the custom settings' definitions as the site's snapshot holds them now."""
    value: dict[str, dict[str, Any]] = site_preferences_registry.manager()[DEFINITIONS_KEY]
    return value


# What this process registered: the definitions' stored text it last synced, per definition its JSON.
_synced: dict[str, Any] = {"raw": None, "definitions": {}}
_sync_lock = threading.RLock()
_syncing = threading.local()


def custom_settings_sync(*, force: bool = False) -> bool:
    """Register the custom settings defined now and unregister the others; return whether anything changed.

    Runs in requests and tasks (their snapshots are pinned), or with `force` (commands, the console's own
    writes): never by itself during start-up or a migration, whose transaction a failed read would break.
    """
    if getattr(_syncing, "active", False):
        return False  # Reading the definitions may read settings, which may ask to sync again.
    if not force and not snapshots_are_pinned():
        return False
    _syncing.active = True
    try:
        raw = site_preferences_registry.manager().raw(DEFINITIONS_KEY)
        if raw == _synced["raw"]:
            return False
        with _sync_lock:
            wanted = definitions()
            registered: dict[str, Any] = _synced["definitions"]
            for name in [n for n, d in registered.items() if wanted.get(n) != d]:
                if name in live_settings_registry:
                    live_settings_registry.unregister(name)
                del registered[name]
            for name, definition in wanted.items():
                if name not in registered and name not in live_settings_registry:
                    live_settings_registry.register(preference_class(name, definition))
                    registered[name] = definition
            _synced["raw"] = raw
        snapshots_reload()  # Values of keys declared only now were left out of the snapshots.
        return True
    finally:
        _syncing.active = False


def definitions_version() -> tuple[str, int] | None:
    """Return the version of the definitions in effect for this request, or None when nothing proves it.

    The site snapshot's token (the definitions live there) and how many custom settings this process registered
    (a forget or a sync changes that); the overlay remembers the names `discover` turned down meanwhile.
    """
    token = site_snapshot_version()
    return None if token is None else (token, len(_synced["definitions"]))


def discover(name: str) -> bool:
    """Return whether `name`, unknown to settings.py, is a custom setting (defined since the last sync)."""
    if not NAME_PATTERN.match(name) or getattr(_syncing, "active", False):
        return False
    try:
        custom_settings_sync()
    except Exception:  # No database yet, a migration running: then it is simply not a setting.
        logger.debug("Custom settings not synced for %s.", name, exc_info=True)
        return False
    return name in live_settings_registry


def register_definitions_preference() -> None:
    """Declare the site preference holding the definitions (from AppConfig.ready)."""
    if DEFINITIONS_KEY not in site_preferences_registry:
        site_preferences_registry.register(_Definitions)


def custom_settings_forget() -> None:
    """Unregister every custom setting this process registered (tests; the next sync registers them again)."""
    with _sync_lock:
        for name in list(_synced["definitions"]):
            if name in live_settings_registry:
                live_settings_registry.unregister(name)
        _synced["definitions"] = {}
        _synced["raw"] = None


def definitions_change_summary(old_raw: str | None, new_raw: str | None) -> str:
    """Return what a change of the definitions did, as the history says it ("Created PARTNER_API_URL (text).")."""
    old = json.loads(old_raw) if old_raw else {}
    new = json.loads(new_raw) if new_raw else {}
    parts = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            parts.append(f"Created {name} ({TYPES[new[name]['type']][0].split(' (')[0].lower()}).")
        elif name not in new:
            parts.append(f"Deleted {name}.")
        elif old[name] != new[name]:
            parts.append(f"Changed the description of {name}.")
    return " ".join(parts) or "No change."
