"""The one way to change a preference value: validate, save, record history, then on commit signal it.

Every write path (managers, forms, admin, API, commands, revert) calls these functions.
"""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apps.core.tenancy import current_schema_name
from apps.preferences import cache
from apps.preferences.signals import preference_updated
from apps.preferences.stores import ScopeStore
from apps.preferences.types import BasePreferenceType

SYSTEM = "system"
ANY: Any = object()  # expected_raw=ANY: no optimistic concurrency check


class StaleValueError(ValidationError):
    """The value changed since the caller read it; `current_raw` is what is stored now (None: the default)."""

    message: str  # always the plain text below

    def __init__(self, key: str, current_raw: str | None) -> None:
        super().__init__("Changed by someone else since you opened this page.", code="stale")
        self.key = key
        self.current_raw = current_raw


@dataclass(frozen=True)
class PreferenceChangeResult:
    key: str
    old_value: Any
    new_value: Any
    created: bool


def _actor_name(actor: Any) -> str:
    if actor is None:
        return SYSTEM
    if isinstance(actor, str):
        return actor
    return str(actor.get_username()) if getattr(actor, "is_authenticated", False) else SYSTEM


def _split(preference: BasePreferenceType) -> tuple[str, str]:
    return preference.section_name, preference.name


def preference_clean(*, store: ScopeStore, key: str, value: Any) -> tuple[BasePreferenceType, Any, str]:
    """Return (preference, cleaned value, serialized value), or raise KeyError / ValidationError."""
    preference = store.registry.get(key)
    cleaned = preference.clean(value)
    return preference, cleaned, preference.get_serializer().serialize(cleaned)


def _lock_key(store: ScopeStore, preference: BasePreferenceType) -> str:
    owner = store.change_fields().get("owner", "")
    return f"preferences:{current_schema_name()}:{store.scope}:{owner}:{preference.identifier}"


def _current(store: ScopeStore, preference: BasePreferenceType) -> Any:
    section, name = _split(preference)
    return store.queryset().filter(section=section, name=name).first()


def _decode_or_default(preference: BasePreferenceType, raw: str | None) -> Any:
    if raw is None:
        return preference.get_default()
    try:
        return preference.get_serializer().deserialize(raw)
    except ValueError:
        return preference.get_default()


def _after_commit(store: ScopeStore, preference: BasePreferenceType, result: PreferenceChangeResult, row: Any) -> None:
    if store.cache_key:
        cache.clear_dirty(store.cache_key)
        cache.bump_version(store.cache_key)
    if result.old_value == result.new_value:
        return  # e.g. a reset of a stored value that equalled the default: nothing changed for readers
    preference_updated.send(
        sender=type(preference),
        section=preference.section_name,
        name=preference.name,
        old_value=result.old_value,
        new_value=result.new_value,
        instance=row,
        scope=store.scope,
    )


def _write(
    store: ScopeStore,
    preference: BasePreferenceType,
    new_raw: str | None,
    *,
    actor: str,
    source: str,
    expected_raw: Any,
) -> PreferenceChangeResult | None:
    """Store `new_raw` (None: back to the default) for one key; return what changed, or None for a no-op."""
    section, name = _split(preference)
    # Serialise writers of this key, even while it has no row yet (SELECT … FOR UPDATE locks nothing then):
    # otherwise two first writers both pass the stale check and both record "old: default".
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_lock_key(store, preference)])
    existing = _current(store, preference)
    old_raw = existing.raw_value if existing is not None else None
    if expected_raw is not ANY and expected_raw != old_raw:
        raise StaleValueError(preference.identifier, old_raw)
    old_value = _decode_or_default(preference, old_raw)
    new_value = _decode_or_default(preference, new_raw)
    if new_raw == old_raw or (
        new_raw is not None and old_raw is None and new_raw == preference.get_serializer().serialize(old_value)
    ):
        return None  # Same as what is in effect now: nothing to store, nothing to signal.

    row = None
    if new_raw is None:
        store.queryset().filter(section=section, name=name).delete()
    else:
        candidate = store.model(section=section, name=name, raw_value=new_raw, updated_by=actor, **store.owner_fields())
        # INSERT … ON CONFLICT DO UPDATE: concurrent writers never make two rows or an IntegrityError.
        (row,) = store.model._default_manager.bulk_create(
            [candidate],
            update_conflicts=True,
            unique_fields=store.unique_fields,
            update_fields=["raw_value", "updated_at", "updated_by"],
        )
    store.change_model._default_manager.create(
        section=section,
        name=name,
        old_raw_value=old_raw,
        new_raw_value=new_raw,
        changed_by=actor,
        source=source,
        **store.change_fields(),
    )
    result = PreferenceChangeResult(preference.identifier, old_value, new_value, created=existing is None)
    if store.cache_key:
        cache.mark_dirty(store.cache_key)
    transaction.on_commit(partial(_after_commit, store, preference, result, row))
    return result


def preferences_set(
    *,
    store: ScopeStore,
    values: dict[str, Any],
    actor: Any = None,
    source: str = "manager",
    expected_raw: dict[str, str | None] | None = None,
) -> list[PreferenceChangeResult]:
    """Validate every value first, then store them in one transaction; nothing is written if any is invalid.

    `expected_raw` maps keys to the serialized value the caller last saw (None: unset); a key whose stored
    value differs raises StaleValueError. Return the changes that happened (no-ops left out).
    """
    cleaned: dict[str, tuple[BasePreferenceType, str]] = {}
    errors: dict[str, list[ValidationError]] = {}
    for key, value in values.items():
        try:
            preference, _, raw = preference_clean(store=store, key=key, value=value)
        except ValidationError as exc:
            errors[key] = [exc]
            continue
        cleaned[key] = (preference, raw)
    if errors:
        raise ValidationError(errors)
    expected = expected_raw or {}
    actor_name = _actor_name(actor)
    with transaction.atomic():
        results = [
            _write(store, preference, raw, actor=actor_name, source=source, expected_raw=expected.get(key, ANY))
            for key, (preference, raw) in cleaned.items()
        ]
    return [result for result in results if result is not None]


def preference_set(*, store: ScopeStore, key: str, value: Any, actor: Any = None, source: str = "manager") -> Any:
    """Validate and store one value; return the change, or None if it was already in effect."""
    changes = preferences_set(store=store, values={key: value}, actor=actor, source=source)
    return changes[0] if changes else None


def preference_reset(
    *, store: ScopeStore, key: str, actor: Any = None, source: str = "manager", expected_raw: Any = ANY
) -> Any:
    """Delete the stored value so the default from code applies again; return the change or None."""
    preference = store.registry.get(key)
    with transaction.atomic():
        return _write(store, preference, None, actor=_actor_name(actor), source=source, expected_raw=expected_raw)


def preference_revert(*, store: ScopeStore, change: Any, actor: Any = None) -> Any:
    """Put back the value a recorded change replaced (itself a recorded change); return it or None."""
    key = change.key
    preference = store.registry.get(key)
    old_raw = change.old_raw_value
    if old_raw is not None:
        try:
            value = preference.get_serializer().deserialize(old_raw)
        except ValueError as exc:
            raise ValidationError(f"The old value of {key} no longer fits its type: {exc}") from exc
        preference.clean(value)  # The rules may have tightened since.
    with transaction.atomic():
        return _write(store, preference, old_raw, actor=_actor_name(actor), source="revert", expected_raw=ANY)
