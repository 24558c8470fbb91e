"""Writes: change, reset and revert live settings (site-wide) and tenant overrides, through the engine.

Every function validates first (type, bounds, the preference's own rules and, for overrides, the site's
value; a setting the environment locks, `LIVE_SETTING_<NAME>`, is refused with code "locked") and raises
ValidationError with readable messages; nothing is written then, and the old value
stays live. On success the engine records who changed what and, on commit, makes every process reload.
`expected_raw` (optional) is the stored JSON text the caller read (None: unset): if another is stored when the
write takes its lock, StaleValueError is raised and nothing is written.

Custom settings (created at runtime, see apps.livesettings.custom): `custom_setting_save` creates one or updates
it, `custom_setting_delete` removes it.

Scheduled changes: `scheduled_change_create` validates and stores a value for later, `scheduled_change_cancel`
withdraws it, `scheduled_changes_apply(now=…)` (the beat task, every minute) applies the due ones through
`live_setting_set` / `live_setting_reset` with source "schedule".
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.livesettings import custom
from apps.livesettings.models import ScheduledChange
from apps.livesettings.registry import live_settings_registry
from apps.preferences.registries import global_preferences_registry, site_preferences_registry
from apps.preferences.services import (
    ANY,
    PreferenceChangeResult,
    StaleValueError,
    actor_name,
    preference_clean,
    preference_reset,
    preference_revert,
    preferences_set,
)
from apps.preferences.site.models import SitePreferenceChange
from apps.preferences.stores import ScopeStore

# The history's source of changes applied by the beat task.
SCHEDULE = "schedule"


def _messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _refuse_locked(preference: Any) -> None:
    lock = preference.env_lock()
    if lock is not None:
        raise ValidationError(lock.reason, code="locked")


def _set(
    *, store: ScopeStore, preference: Any, value: Any, actor: Any, source: str, expected_raw: Any = ANY
) -> PreferenceChangeResult | None:
    expected = None if expected_raw is ANY else {preference.identifier: expected_raw}
    try:
        parsed = preference.parse(value)
        changes = preferences_set(
            store=store, values={preference.identifier: parsed}, actor=actor, source=source, expected_raw=expected
        )
    except StaleValueError:
        raise  # The caller shows who changed it; it is not a message about the value.
    except ValidationError as exc:
        # One setting per call: flatten the engine's {key: errors} into plain messages for every caller.
        raise ValidationError(_messages(exc)) from exc
    return changes[0] if changes else None


def live_setting_set(
    *, setting: str, value: Any, actor: Any = None, source: str = "console", expected_raw: Any = ANY
) -> PreferenceChangeResult | None:
    """Validate and store the site's value of a live setting; return the change, or None if already in effect.

    Raise KeyError for a name that is not a live setting, ValidationError for a value it refuses, and
    StaleValueError when `expected_raw` (the stored text the caller saw, None: the default) is no longer stored.
    """
    preference = live_settings_registry.get(setting)
    _refuse_locked(preference)
    return _set(
        store=site_preferences_registry.store(),
        preference=preference,
        value=value,
        actor=actor,
        source=source,
        expected_raw=expected_raw,
    )


def live_setting_reset(
    *, setting: str, actor: Any = None, source: str = "console", expected_raw: Any = ANY
) -> PreferenceChangeResult | None:
    """Go back to the settings.py value of a live setting; return the change, or None if already there."""
    preference = live_settings_registry.get(setting)
    _refuse_locked(preference)
    return preference_reset(
        store=site_preferences_registry.store(),
        key=preference.identifier,
        actor=actor,
        source=source,
        expected_raw=expected_raw,
    )


def live_setting_revert(
    *, change: SitePreferenceChange, actor: Any = None, force: bool = False
) -> PreferenceChangeResult | None:
    """Put back the value a recorded change replaced (checked against today's rules); return the new change.

    Raise StaleValueError when the setting was changed again since `change`, unless `force`.
    """
    for preference in live_settings_registry:
        if preference.identifier == change.key:
            _refuse_locked(preference)
    try:
        return preference_revert(store=site_preferences_registry.store(), change=change, actor=actor, force=force)
    except StaleValueError:
        raise  # Kept whole: callers read who changed the setting, when, and its value now.
    except ValidationError as exc:
        raise ValidationError(_messages(exc)) from exc


def tenant_override_set(
    *, setting: str, value: Any, actor: Any = None, source: str = "form", expected_raw: Any = ANY
) -> PreferenceChangeResult | None:
    """Store the current tenant's own value of an overridable live setting, within the site's bounds.

    `expected_raw` as for `live_setting_set`.
    """
    override = live_settings_registry.override(setting)
    if override is None:
        raise ValidationError(f"Tenant owners may not change {setting}.", code="not_overridable")
    _refuse_locked(live_settings_registry.get(setting))
    return _set(
        store=global_preferences_registry.store(),
        preference=override,
        value=value,
        actor=actor,
        source=source,
        expected_raw=expected_raw,
    )


def tenant_override_reset(
    *, setting: str, actor: Any = None, source: str = "form", expected_raw: Any = ANY
) -> PreferenceChangeResult | None:
    """Remove the current tenant's own value, so the site's value applies again."""
    override = live_settings_registry.override(setting)
    if override is None:
        raise ValidationError(f"Tenant owners may not change {setting}.", code="not_overridable")
    _refuse_locked(live_settings_registry.get(setting))
    return preference_reset(
        store=global_preferences_registry.store(),
        key=override.identifier,
        actor=actor,
        source=source,
        expected_raw=expected_raw,
    )


# --- scheduled changes ------------------------------------------------------------------------------------
def scheduled_change_create(
    *, setting: str, value: Any, run_at: datetime.datetime, actor: Any = None, reset: bool = False
) -> ScheduledChange:
    """Schedule `value` (or, with `reset`, the settings.py value) for a live setting at `run_at`; return it.

    The value is validated now as a write would be (and again when it is applied, against the rules then).
    Raise KeyError for a name that is not a live setting, ValidationError for a refused value or a time past.
    """
    preference = live_settings_registry.get(setting)
    _refuse_locked(preference)
    if timezone.is_naive(run_at):
        raise ValidationError("Give the time with its time zone.", code="naive")
    if run_at <= timezone.now():
        raise ValidationError("Choose a time in the future.", code="past")
    raw = None
    if not reset:
        try:
            _, _, raw = preference_clean(
                store=site_preferences_registry.store(), key=preference.identifier, value=preference.parse(value)
            )
        except ValidationError as exc:
            raise ValidationError(_messages(exc)) from exc
    return ScheduledChange.objects.create(
        setting=preference.setting, raw_value=raw, run_at=run_at, created_by=actor_name(actor)
    )


def scheduled_change_cancel(*, change: ScheduledChange, actor: Any = None) -> bool:
    """Cancel a pending change; return False when it was no longer pending (applied, failed or cancelled)."""
    cancelled = ScheduledChange.objects.filter(pk=change.pk, state=ScheduledChange.State.PENDING).update(
        state=ScheduledChange.State.CANCELLED, done_at=timezone.now(), done_by=actor_name(actor)
    )
    return bool(cancelled)


def scheduled_changes_apply(*, now: datetime.datetime | None = None) -> list[ScheduledChange]:
    """Apply every pending change due at `now` (default: now), oldest first, through the one write path.

    Each is recorded in the history with source "schedule" and its author; one refused by today's rules is
    marked failed with the reason, and the others still apply. Concurrent runs skip rows another run holds.
    """
    moment = now or timezone.now()
    done = []
    with transaction.atomic():
        due = (
            ScheduledChange.objects.select_for_update(skip_locked=True)
            .filter(state=ScheduledChange.State.PENDING, run_at__lte=moment)
            .order_by("run_at", "id")
        )
        for change in due:
            _apply(change, moment)
            done.append(change)
    return done


def _apply(change: ScheduledChange, moment: datetime.datetime) -> None:
    try:
        with transaction.atomic():  # A refused change rolls back alone.
            if change.raw_value is None:
                live_setting_reset(setting=change.setting, actor=change.created_by, source=SCHEDULE)
            else:
                preference = live_settings_registry.get(change.setting)
                stored = preference.stored_value(change.raw_value)
                if not stored.decodes:
                    raise ValidationError(f"The scheduled value no longer fits the setting: {stored.error}")
                live_setting_set(setting=change.setting, value=stored.value, actor=change.created_by, source=SCHEDULE)
    except (KeyError, ValidationError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc.args[0])]
        change.state, change.error = ScheduledChange.State.FAILED, " ".join(messages)
    else:
        change.state = ScheduledChange.State.APPLIED
    change.done_at = moment
    change.save(update_fields=["state", "error", "done_at"])


# --- custom settings --------------------------------------------------------------------------------------
def custom_setting_save(
    *,
    name: str,
    value_type: str,
    value: Any,
    help_text: str = "",
    overridable: bool = False,
    secret: bool = False,
    actor: Any = None,
    source: str = "console",
) -> Any:
    """Create the custom setting `name` with `value`, or update it when it exists; return its live setting.

    A new setting's value is its initial value (what a reset goes back to); an existing one's value is set as
    any live setting's, and its help text, `overridable` (tenant owners may set their own value) and `secret`
    are updated. Raise ValidationError {"name" | "value_type" | "value": [messages]} for a refused name (not
    UPPER_SNAKE_CASE, or one of Django's or settings.py's own), an unknown type, or a value the type refuses;
    {"secret": …} for a secret that is not text. A secret's value is never part of its definition.
    """
    name = name.strip()
    existing = custom.definitions().get(name)
    problem = "" if existing is not None else custom.name_problem(name)
    if problem:
        raise ValidationError({"name": [problem]})
    if value_type not in custom.TYPES:
        raise ValidationError({"value_type": [f"Choose one of: {', '.join(custom.TYPES)}."]})
    if secret and value_type != "string":
        raise ValidationError({"secret": ["Only text settings can be secret (passwords, tokens)."]})
    if existing is not None and existing["type"] != value_type:
        raise ValidationError(
            {"value_type": [f"{name} holds a {existing['type']} value; delete it to change its type."]}
        )
    definition = {
        "type": value_type,
        "help_text": help_text.strip(),
        "overridable": bool(overridable) and not secret,
        "secret": bool(secret),
        "initial": existing["initial"] if existing is not None else None,
    }
    probe = custom.preference_class(name, definition)()
    try:
        cleaned = probe.clean(probe.parse(value))
    except ValidationError as exc:
        raise ValidationError({"value": _messages(exc)}) from exc
    if existing is None:
        # A secret's definition holds no value ("" as initial): the value is stored like any set value.
        definition["initial"] = probe.get_serializer().serialize("" if secret else cleaned)
    with transaction.atomic():
        _definitions_write({**custom.definitions(), name: definition}, actor=actor, source=source)
        if existing is not None or secret:
            live_setting_set(setting=name, value=cleaned, actor=actor, source=source)
    return live_settings_registry.get(name)


def custom_setting_delete(*, name: str, actor: Any = None, source: str = "console") -> None:
    """Delete a custom setting: its value, its tenants' own values, its definition (all recorded in the history).

    Raise KeyError when `name` is not a custom setting.
    """
    definitions = custom.definitions()
    if name not in definitions:
        raise KeyError(f"{name} is not a custom setting.")
    with transaction.atomic():
        live_setting_reset(setting=name, actor=actor, source=source)
        _definitions_write(
            {key: value for key, value in definitions.items() if key != name}, actor=actor, source=source
        )


def _definitions_write(definitions: dict[str, Any], *, actor: Any, source: str) -> None:
    store = site_preferences_registry.store()
    preferences_set(store=store, values={custom.DEFINITIONS_KEY: definitions}, actor=actor, source=source)
    # This process registers the change now; the others at their next request or task (the version moved).
    custom.custom_settings_sync(force=True)
