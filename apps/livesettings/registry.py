"""The registry of live settings: names of `django.conf.settings` that superadmins may change at runtime.

A live setting is a site preference (engine type, bounds, help text, section) that also names the setting
it stands for. Its default is the value settings.py gives that setting when it is registered. A setting a
tenant owner may override also gets a tenant-wide (global) preference in the section "livesettings",
holding the owner's value, whose validation checks it against the site's live value and bounds.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured, ValidationError

from apps.core.durations import humanize
from apps.livesettings.overlay import settings_py_value
from apps.preferences.registries import global_preferences_registry, site_preferences_registry
from apps.preferences.types import BasePreferenceType, BooleanPreference, Section

# Listed on its own page (/owner/settings/, with the site's bounds), not among the organisation preferences.
OVERRIDE_SECTION = Section(
    "livesettings",
    "Site settings",
    "Values of the site's live settings that this organisation has tightened.",
    listed=False,
)
# An environment variable named so (LIVE_SETTING_MAINTENANCE_MODE) locks a live setting to its value.
ENV_LOCK_PREFIX = "LIVE_SETTING_"
# How a secret setting's value is shown everywhere (console, API, history, the command): never the value.
SECRET_MASK = "••••••••"
_TRUE_TEXTS = {"1", "true", "yes", "on"}
_FALSE_TEXTS = {"0", "false", "no", "off"}


class TenantOverride(StrEnum):
    """Whether, and how, a tenant owner may override a live setting for their tenant."""

    NONE = "none"
    LOWER = "lower"  # Only a smaller value than the site's (session expiry: shorter only).
    ANY = "any"  # Any value within the setting's bounds.


@dataclass(frozen=True)
class EnvLock:
    """A live setting fixed by an environment variable of the process: its value wins, writes are refused."""

    variable: str
    text: str
    value: Any
    error: str = ""  # Why the variable's text was refused (the settings.py value then applies).

    @property
    def reason(self) -> str:
        """Return why the setting cannot be changed, as the console and the API say it."""
        return f"Locked by the environment variable {self.variable}; change or remove it there and restart."


# Parsed locks by variable, kept while the variable's text is the same (read on every settings access).
_env_locks: dict[str, EnvLock] = {}


class LiveSettingMixin:
    """Mix into a preference type to declare a live setting; register it with `@live_setting`."""

    setting: ClassVar[str] = ""
    tenant_override: ClassVar[TenantOverride] = TenantOverride.NONE
    # "seconds" shows values in human units ("30 minutes") next to the number.
    unit: ClassVar[str] = ""
    # Changing the setting to `confirm_value` asks for confirmation with this text first.
    confirm_message: ClassVar[str] = ""
    confirm_value: ClassVar[Any] = True
    # Secret: settable, never shown (the console, the API, the history and the command show SECRET_MASK).
    secret: ClassVar[bool] = False
    # Whether `LIVE_SETTING_<NAME>` in a process's environment locks the setting there (see `env_lock`).
    env_lockable: ClassVar[bool] = True
    # Created at runtime by a superadmin (apps.livesettings.custom): its default is its initial value, not
    # settings.py's; `value_type` is the type they chose.
    custom: ClassVar[bool] = False
    value_type: ClassVar[str] = ""

    def base_value(self) -> Any:
        """Return the value a reset goes back to: settings.py's, or a custom setting's initial value."""
        return self.get_default() if self.custom else settings_py_value(self.setting)  # type: ignore[attr-defined]

    def env_lock(self) -> "EnvLock | None":
        """Return the lock the environment puts on this setting (`LIVE_SETTING_<NAME>` set), or None.

        The variable's text is read as the console would read it (on/off, a number of seconds, text) and checked
        against the setting's rules; a value they refuse still locks the setting, to its settings.py value.
        """
        if not self.env_lockable:
            return None
        variable = ENV_LOCK_PREFIX + self.setting
        text = os.environ.get(variable)
        if text is None:
            return None
        cached = _env_locks.get(variable)
        if cached is not None and cached.text == text:
            return cached
        try:
            lock = EnvLock(variable, text, value=self.clean(self.parse(text)))  # type: ignore[attr-defined]
        except ValidationError as exc:
            lock = EnvLock(variable, text, value=self.base_value(), error=" ".join(exc.messages))
        _env_locks[variable] = lock
        return lock

    def confirmation(self, value: Any) -> str:
        """Return what to confirm before setting `value`, or "" when it needs no confirmation."""
        return self.confirm_message if self.confirm_message and value == self.confirm_value else ""

    def bounds(self) -> tuple[Any, Any]:
        """Return (minimum, maximum) of a numeric setting; None where unbounded."""
        kwargs = self.get_field_kwargs()  # type: ignore[attr-defined]
        return kwargs.get("min_value"), kwargs.get("max_value")

    def parse(self, value: Any) -> Any:
        """Return `value` as the preference expects it; text from a shell or a form becomes a boolean here."""
        if isinstance(self, BooleanPreference) and isinstance(value, str):
            text = value.strip().lower()
            if text in _TRUE_TEXTS:
                return True
            if text in _FALSE_TEXTS:
                return False
            raise ValidationError("Enter true or false (also on/off, yes/no, 1/0).", code="invalid")
        return value


class LiveSettingsRegistry:
    """Live settings by setting name, in declaration order."""

    def __init__(self) -> None:
        self._settings: dict[str, Any] = {}
        self._overrides: dict[str, Any] = {}

    def register(self, preference_class: type[Any]) -> type[Any]:
        """Register a live setting (a decorator): its site preference, and its tenant override if allowed."""
        setting = getattr(preference_class, "setting", "")
        is_live = issubclass(preference_class, LiveSettingMixin) and issubclass(preference_class, BasePreferenceType)
        if not setting or not is_live:
            raise ImproperlyConfigured(
                f"{preference_class.__qualname__} must mix in LiveSettingMixin and name a setting."
            )
        if preference_class.secret and preference_class.tenant_override != TenantOverride.NONE:
            # Owners would see the site's value as the bound of their own.
            raise ImproperlyConfigured(f"Live setting {setting} is secret: tenants may not override it.")
        try:
            if not preference_class.custom:
                preference_class.default = settings_py_value(setting)
        except AttributeError:
            raise ImproperlyConfigured(f"Live setting {setting} has no value in settings.py.") from None
        if not getattr(preference_class, "name", None):
            preference_class.name = setting.lower()
        site_preferences_registry.register(preference_class)
        preference = site_preferences_registry.get(section=str(preference_class.section), name=preference_class.name)
        self._settings[setting] = preference
        if preference_class.tenant_override != TenantOverride.NONE:
            override_class = _override_class(preference_class, site_key=preference.identifier)
            global_preferences_registry.register(override_class)
            self._overrides[setting] = global_preferences_registry.get(
                section=OVERRIDE_SECTION.name, name=override_class.name
            )
        return preference_class

    def unregister(self, setting: str) -> None:
        """Remove a live setting (for tests that declare temporary ones)."""
        preference = self._settings.pop(setting)
        site_preferences_registry.unregister(preference.identifier)
        override = self._overrides.pop(setting, None)
        if override is not None:
            global_preferences_registry.unregister(override.identifier)

    def get(self, setting: str) -> Any:
        """Return the site preference of a live setting; KeyError naming the live settings otherwise."""
        try:
            return self._settings[setting.upper()]
        except KeyError:
            known = ", ".join(self._settings)
            raise KeyError(f"{setting} is not a live setting. Live settings: {known}.") from None

    def override(self, setting: str) -> Any:
        """Return the tenant-override preference of a live setting, or None if owners may not override it."""
        return self._overrides.get(setting.upper())

    def __contains__(self, setting: object) -> bool:
        return setting in self._settings

    def __iter__(self) -> Iterator[Any]:
        return iter(self._settings.values())

    def overridable(self) -> list[Any]:
        """Return the live settings tenant owners may override."""
        return [p for p in self._settings.values() if p.setting in self._overrides]

    def by_section(self) -> list[tuple[Section, list[Any]]]:
        """Return [(section, [preferences])] in declaration order."""
        sections: dict[str, tuple[Section, list[Any]]] = {}
        for preference in self._settings.values():
            section = preference.section if isinstance(preference.section, Section) else Section(preference.section)
            sections.setdefault(section.name, (section, []))[1].append(preference)
        return list(sections.values())


def _override_class(site_class: type[Any], *, site_key: str) -> type[Any]:
    """Return the global preference that holds a tenant's own value of a live setting (site's: `site_key`)."""

    def validate(self: Any, value: Any) -> None:
        site_class.validate(self, value)
        # The site's value in effect (what `selectors.live_setting_site_value` reads), read here so the
        # registry does not import the selectors built on it.
        site_value = site_preferences_registry.manager()[site_key]
        if site_class.tenant_override == TenantOverride.LOWER and value > site_value:
            shown = humanize(site_value) if getattr(site_class, "unit", "") == "seconds" else site_value
            raise ValidationError(
                "May not be more than the site's value, %(site)s.", code="above_site", params={"site": shown}
            )

    return type(
        f"{site_class.__name__}TenantOverride",
        (site_class,),
        {
            "__module__": site_class.__module__,
            "section": OVERRIDE_SECTION,
            "name": site_class.name,
            "default": None,  # No stored value: the site's value applies.
            "consumers": ("livesettings:owner-settings",),
            "help_text": f"{site_class.help_text} Leave unset to use the site's value.".strip(),
            "validate": validate,
        },
    )


live_settings_registry = LiveSettingsRegistry()
live_setting = live_settings_registry.register
