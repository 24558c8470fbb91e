"""Reads: live values (site, tenant override, effective), and what the console and owner pages show."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.core.durations import humanize
from apps.core.tenancy import on_public_schema
from apps.livesettings.custom import DEFINITIONS_KEY
from apps.livesettings.models import ScheduledChange
from apps.livesettings.registry import SECRET_MASK, EnvLock, TenantOverride, live_settings_registry
from apps.preferences.registries import global_preferences_registry, site_preferences_registry
from apps.preferences.site.models import SitePreferenceChange


def live_setting_site_value(*, setting: str) -> Any:
    """Return the site's value of a live setting (stored, or the settings.py default)."""
    preference = live_settings_registry.get(setting)
    return site_preferences_registry.manager()[preference.identifier]


def live_setting_override(*, setting: str) -> Any:
    """Return the current tenant's own value of a live setting, or None (none set, or on the public schema)."""
    override = live_settings_registry.override(setting)
    if override is None or on_public_schema():
        return None
    return global_preferences_registry.manager()[override.identifier]


def live_setting_value(*, setting: str) -> Any:
    """Return the value in effect for the current schema: the environment's lock, the tenant's override when
    allowed, else the site's."""
    preference = live_settings_registry.get(setting)
    lock = preference.env_lock()
    if lock is not None:
        return lock.value
    site_value = live_setting_site_value(setting=setting)
    override = live_setting_override(setting=setting)
    if override is None:
        return site_value
    if preference.tenant_override == TenantOverride.LOWER:
        # The site may have lowered its value since the owner chose theirs: the stricter one applies.
        return min(site_value, override)
    return override


def format_value(preference: Any, value: Any) -> str:
    """Return a value as people read it: on/off, human durations for seconds, text otherwise; secrets masked."""
    if getattr(preference, "secret", False):
        return SECRET_MASK if value else "not set"
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "on" if value else "off"
    if getattr(preference, "unit", "") == "seconds" and isinstance(value, int):
        return humanize_seconds(value)
    return str(value)


def humanize_seconds(seconds: int) -> str:
    """Return "2 hours 30 minutes" for 9000, "45 seconds" for 45 (`apps.core.durations.humanize`)."""
    return humanize(seconds)


def site_changes(*, setting: str | None = None) -> QuerySet[SitePreferenceChange]:
    """Return the history of the live settings (or of one), newest first."""
    preferences = [live_settings_registry.get(setting)] if setting else list(live_settings_registry)
    match = Q(pk__in=[])
    if not setting:
        section, _, name = DEFINITIONS_KEY.partition("__")
        match |= Q(section=section, name=name)  # Custom settings created and deleted.
    for preference in preferences:
        match |= Q(section=preference.section_name, name=preference.name)
    return SitePreferenceChange.objects.filter(match).order_by("-changed_at", "-id")


def last_site_changes() -> dict[str, SitePreferenceChange]:
    """Return {preference key: its latest change} for every live setting, in one query."""
    latest = site_changes().order_by("section", "name", "-changed_at", "-id").distinct("section", "name")
    return {change.key: change for change in latest}


def decode_raw(preference: Any, raw: str | None) -> Any:
    """Return a stored value as a value (None means "the default"); undecodable text is shown as is."""
    if raw is None:
        return None
    stored = preference.stored_value(raw)
    return stored.value if stored.decodes else raw


@dataclass
class LiveSettingRow:
    """One live setting as the console shows it."""

    preference: Any
    value: Any  # As `settings.NAME` answers it in this process right now.
    site_value: Any
    default: Any
    is_default: bool
    last_change: SitePreferenceChange | None

    @property
    def setting(self) -> str:
        return str(self.preference.setting)

    @property
    def value_display(self) -> str:
        return format_value(self.preference, self.value)

    @property
    def default_display(self) -> str:
        return format_value(self.preference, self.default)

    @property
    def lock(self) -> EnvLock | None:
        """Return the environment's lock on this setting in this process, or None."""
        lock: EnvLock | None = self.preference.env_lock()
        return lock

    @property
    def value_attribute(self) -> str:
        # The page's data-value: never a secret's text.
        return self.value_display if self.preference.secret else str(self.value)

    @property
    def is_boolean(self) -> bool:
        return isinstance(self.default, bool)

    @property
    def is_overridden_in_code(self) -> bool:
        # override_settings (or an assignment in code) wins over the stored value; a lock says so itself.
        return self.lock is None and bool(self.value != self.site_value)

    @property
    def bounds_display(self) -> str:
        low, high = self.preference.bounds()
        if low is None and high is None:
            return ""
        return f"{format_value(self.preference, low)} to {format_value(self.preference, high)}"


def live_setting_row(preference: Any, *, last_change: SitePreferenceChange | None) -> LiveSettingRow:
    manager = site_preferences_registry.manager()
    return LiveSettingRow(
        preference=preference,
        value=getattr(settings, preference.setting),
        site_value=manager[preference.identifier],
        default=preference.base_value(),
        is_default=manager.is_default(preference.identifier),
        last_change=last_change,
    )


def live_setting_rows_by_section() -> list[tuple[Any, list[LiveSettingRow]]]:
    """Return [(section, rows)] for the console: values from the pinned snapshot, last changes in one query."""
    changes = last_site_changes()
    return [
        (section, [live_setting_row(p, last_change=changes.get(p.identifier)) for p in preferences])
        for section, preferences in live_settings_registry.by_section()
    ]


@dataclass
class OverrideRow:
    """One overridable live setting as a tenant owner sees it."""

    preference: Any
    override: Any
    site_value: Any
    effective: Any

    @property
    def setting(self) -> str:
        return str(self.preference.setting)

    @property
    def site_display(self) -> str:
        return format_value(self.preference, self.site_value)

    @property
    def override_display(self) -> str:
        return format_value(self.preference, self.override)

    @property
    def effective_display(self) -> str:
        return format_value(self.preference, self.effective)

    @property
    def bounds_display(self) -> str:
        low, high = self.preference.bounds()
        if self.preference.tenant_override == TenantOverride.LOWER:
            high = self.site_value if high is None else min(high, self.site_value)
        return f"{format_value(self.preference, low)} to {format_value(self.preference, high)}"


def override_row(preference: Any) -> OverrideRow:
    return OverrideRow(
        preference=preference,
        override=live_setting_override(setting=preference.setting),
        site_value=live_setting_site_value(setting=preference.setting),
        effective=live_setting_value(setting=preference.setting),
    )


def override_rows() -> list[OverrideRow]:
    """Return the settings the current tenant's owners may override, with the site's value and bounds."""
    return [override_row(p) for p in live_settings_registry.overridable()]


# --- scheduled changes ------------------------------------------------------------------------------------
@dataclass
class ScheduledRow:
    """One scheduled change as the console and the API show it."""

    change: ScheduledChange
    preference: Any

    @property
    def value_display(self) -> str:
        if self.change.raw_value is None:
            return f"the settings.py value ({format_value(self.preference, self.preference.base_value())})"
        return format_value(self.preference, decode_raw(self.preference, self.change.raw_value))


def scheduled_changes_overview(*, days_done: int = 7) -> tuple[list[ScheduledRow], list[ScheduledRow]]:
    """Return (pending soonest first, those applied/failed/cancelled in the last `days_done` days newest first).

    One query; changes of settings that are no longer live are left out.
    """
    since = timezone.now() - datetime.timedelta(days=days_done)
    pending: list[ScheduledRow] = []
    done: list[ScheduledRow] = []
    changes = ScheduledChange.objects.filter(Q(state=ScheduledChange.State.PENDING) | Q(done_at__gte=since)).order_by(
        "run_at", "id"
    )
    for change in changes:
        if change.setting not in live_settings_registry:
            continue
        row = ScheduledRow(change, live_settings_registry.get(change.setting))
        (pending if change.state == ScheduledChange.State.PENDING else done).append(row)
    done.sort(key=lambda row: (row.change.done_at, row.change.pk), reverse=True)
    return pending, done
