"""The one way to change a preference value: validate, save, record history, then on commit signal it.

Every write path calls these functions with the store of the values (`registry.store(…)` or
`manager.store()`), the actor (a user, a name, or None for "system") and the source of the change
("form", "api", "admin", "command", "console"…; see `AbstractPreferenceChange.Source`):

- `preferences_set(*, store, values, actor=None, source="manager", expected_raw=None)
  -> list[PreferenceChangeResult]`: all or nothing; no-ops are left out of the result.
- `preference_reset(*, store, key, actor=None, source="manager", expected_raw=ANY)
  -> PreferenceChangeResult | None`: back to the default (None: it already applied).
- `preference_revert(*, store, change, actor=None, force=False) -> PreferenceChangeResult | None`: put back
  what a recorded change replaced, refused with StaleValueError when the key changed again since, unless
  `force=True` (None: the old value is already in effect).
- `preference_lock(*, store, key, locked, actor=None, source="manager", expected_raw=ANY)
  -> PreferenceChangeResult | None`: lock or unlock an owner's default of a user preference (a store of
  `registry.organisation_defaults_store()` / `group_defaults_store(group)`); locking where no default is
  stored stores the value members inherit there now.
- A user's own value of a preference an owner locked is refused (ValidationError "Locked by …").
- `preference_check_fresh(*, store, key, expected_raw)`: raise StaleValueError now, e.g. in a form's
  clean(), when a write would be refused (the write still checks again under the key's lock).

Optimistic concurrency, the same for every editor: pass `expected_raw`, the stored JSON text the editor
showed (`manager.raw(key)`; None when the default applied). If the stored text differs when the write
takes the key's lock, nothing is written and `StaleValueError` is raised with what the editor needs to
say "changed by olivia at 14:02 — now 42; your value was not saved" (`error.describe()`):
`key`, `current_raw` (stored text now, None: the default), `current_value` (decoded, or the default),
`current_display` (as people read it), `changed_by` and `changed_at` (the latest change; "" and None when
there is no record). Its message stays "Changed by someone else since you opened this page.".
"""

import datetime
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from apps.core.tenancy import current_schema_name
from apps.preferences import cache
from apps.preferences.display import value_display
from apps.preferences.signals import preference_updated
from apps.preferences.stores import ScopeStore
from apps.preferences.types import BasePreferenceType

SYSTEM = "system"
ANY: Any = object()  # expected_raw=ANY: no optimistic concurrency check
STALE_MESSAGE = "Changed by someone else since you opened this page."


class StaleValueError(ValidationError):
    """The value changed since the caller read it: what is stored now, and who changed it when."""

    message: str  # always STALE_MESSAGE

    def __init__(
        self,
        key: str,
        current_raw: str | None,
        *,
        current_value: Any = None,
        current_display: str = "",
        changed_by: str = "",
        changed_at: datetime.datetime | None = None,
    ) -> None:
        super().__init__(STALE_MESSAGE, code="stale")
        self.key = key
        self.current_raw = current_raw  # None: nothing stored, the default applies
        self.current_value = current_value
        self.current_display = current_display
        self.changed_by = changed_by
        self.changed_at = changed_at

    def describe(self, tz: datetime.tzinfo | None = None) -> str:
        """Return "changed by olivia at 14:02 — now 42; your value was not saved" (time in `tz` or the current zone)."""
        who = f" by {self.changed_by}" if self.changed_by else ""
        when = f" at {timezone.localtime(self.changed_at, tz):%H:%M}" if self.changed_at is not None else ""
        return f"changed{who}{when} — now {self.current_display}; your value was not saved"


@dataclass(frozen=True)
class PreferenceChangeResult:
    """One change that was written: the key, its values before and after, and their stored text."""

    key: str
    old_value: Any
    new_value: Any
    created: bool  # no value was stored before
    old_raw: str | None = None  # None: the default applied
    new_raw: str | None = None  # None: back to the default
    locked: bool | None = None  # owners' defaults of user preferences: locked after the change


def actor_name(actor: Any) -> str:
    """Return the name history records for `actor` (a user, a name, or None for "system")."""
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


def _stale(store: ScopeStore, preference: BasePreferenceType, existing: Any) -> StaleValueError:
    """Describe what is stored now: who changed it when comes from the row, or the latest history record."""
    raw = existing.raw_value if existing is not None else None
    changed_by, changed_at = (existing.updated_by, existing.updated_at) if existing is not None else ("", None)
    if existing is None:
        section, name = _split(preference)
        latest = store.changes().filter(section=section, name=name).order_by("-changed_at", "-id").first()
        if latest is not None:
            changed_by, changed_at = latest.changed_by, latest.changed_at
    value = preference.stored_value(raw).value
    return StaleValueError(
        preference.identifier,
        raw,
        current_value=value,
        current_display=value_display(preference, value),
        changed_by=changed_by,
        changed_at=changed_at,
    )


def preference_check_fresh(*, store: ScopeStore, key: str, expected_raw: Any) -> None:
    """Raise StaleValueError if `key` no longer stores `expected_raw` (a read: the write checks again under lock).

    `expected_raw` is the stored text the caller saw (None: the default); ANY checks nothing.
    """
    if expected_raw is ANY:
        return
    preference = store.registry.get(key)
    existing = _current(store, preference)
    if (existing.raw_value if existing is not None else None) != expected_raw:
        raise _stale(store, preference, existing)


def _after_commit(store: ScopeStore, preference: BasePreferenceType, result: PreferenceChangeResult, row: Any) -> None:
    if store.cache_key:
        cache.clear_dirty(store.cache_key)
        cache.bump_version(store.cache_key)
    if result.old_value == result.new_value and not store.lockable:
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
    accepted: tuple[str | None, ...] | None,
    locked: bool | None = None,
) -> PreferenceChangeResult | None:
    """Store `new_raw` (None: back to the default) for one key; return what changed, or None for a no-op.

    `accepted` lists the stored texts the caller's change was based on (None: no check); any other raises
    StaleValueError. `locked` (lockable stores only) sets the default's lock; None keeps it.
    """
    section, name = _split(preference)
    # Serialise writers of this key, even while it has no row yet (SELECT … FOR UPDATE locks nothing then):
    # otherwise two first writers both pass the stale check and both record "old: default".
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_lock_key(store, preference)])
    existing = _current(store, preference)
    old_raw = existing.raw_value if existing is not None else None
    if accepted is not None and old_raw not in accepted:
        raise _stale(store, preference, existing)
    if new_raw is not None and (reason := store.lock_reason(preference.identifier)):
        raise ValidationError({preference.identifier: [ValidationError(reason, code="locked")]})
    old_value = preference.stored_value(old_raw).value
    new_value = preference.stored_value(new_raw).value
    old_locked = bool(existing.locked) if store.lockable and existing is not None else False
    new_locked = (old_locked if locked is None else locked) if store.lockable and new_raw is not None else False
    same_as_default = (
        new_raw is not None
        and old_raw is None
        and not store.lockable  # An owner's default equal to code's still says "this is our default".
        and not preference.default_is_computed()  # A computed default may move: the choice is kept.
        and new_raw == preference.get_serializer().serialize(old_value)
    )
    if (new_raw == old_raw and new_locked == old_locked) or same_as_default:
        return None  # Same as what is in effect now: nothing to store, nothing to signal.

    row = None
    if new_raw is None:
        store.queryset().filter(section=section, name=name).delete()
    else:
        lock_fields = {"locked": new_locked} if store.lockable else {}
        candidate = store.model(
            section=section, name=name, raw_value=new_raw, updated_by=actor, **lock_fields, **store.owner_fields()
        )
        # INSERT … ON CONFLICT DO UPDATE: concurrent writers never make two rows or an IntegrityError.
        (row,) = store.model._default_manager.bulk_create(
            [candidate],
            update_conflicts=True,
            unique_fields=store.unique_fields,
            update_fields=["raw_value", "updated_at", "updated_by", *lock_fields],
        )
    store.change_model._default_manager.create(
        section=section,
        name=name,
        old_raw_value=old_raw,
        new_raw_value=new_raw,
        changed_by=actor,
        source=source,
        **({"locked": new_locked} if store.lockable else {}),
        **store.change_fields(),
    )
    result = PreferenceChangeResult(
        preference.identifier,
        old_value,
        new_value,
        created=existing is None,
        old_raw=old_raw,
        new_raw=new_raw,
        locked=new_locked if store.lockable else None,
    )
    store.forget()
    if store.cache_key:
        cache.mark_dirty(store.cache_key)
    transaction.on_commit(partial(_after_commit, store, preference, result, row))
    return result


def _accepted(expected_raw: Any) -> tuple[str | None, ...] | None:
    return None if expected_raw is ANY else (expected_raw,)


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
    actor_text = actor_name(actor)
    with transaction.atomic():
        results = [
            _write(store, preference, raw, actor=actor_text, source=source, accepted=_accepted(expected.get(key, ANY)))
            for key, (preference, raw) in cleaned.items()
        ]
    return [result for result in results if result is not None]


def preference_reset(
    *, store: ScopeStore, key: str, actor: Any = None, source: str = "manager", expected_raw: Any = ANY
) -> PreferenceChangeResult | None:
    """Delete the stored value so the default from code applies again; return the change or None."""
    preference = store.registry.get(key)
    with transaction.atomic():
        return _write(store, preference, None, actor=actor_name(actor), source=source, accepted=_accepted(expected_raw))


def preference_lock(
    *,
    store: ScopeStore,
    key: str,
    locked: bool,
    fallback: Any = ANY,
    actor: Any = None,
    source: str = "manager",
    expected_raw: Any = ANY,
) -> PreferenceChangeResult | None:
    """Lock or unlock an owner's default of a user preference; return the change or None if already so.

    Locking a key with no stored default stores `fallback` (default: the default from code), the value
    members would inherit at this level, so what they see does not move when it is locked.
    """
    if not store.lockable:
        raise ValueError(f"{store.scope} values cannot be locked.")
    preference = store.registry.get(key)
    with transaction.atomic():
        existing = _current(store, preference)
        if existing is not None:
            raw = existing.raw_value
        elif not locked:
            return None
        else:
            value = preference.get_default() if fallback is ANY else fallback
            raw = preference_clean(store=store, key=key, value=value)[2]
        return _write(
            store,
            preference,
            raw,
            actor=actor_name(actor),
            source=source,
            accepted=_accepted(expected_raw),
            locked=locked,
        )


def preference_revert(
    *, store: ScopeStore, change: Any, actor: Any = None, force: bool = False
) -> PreferenceChangeResult | None:
    """Put back the value a recorded change replaced (itself a recorded change); return it or None.

    Refuse with StaleValueError when the key was changed again since `change` (its stored value is no
    longer the change's new value), unless `force`; a key already back at the old value is a no-op.
    """
    key = change.key
    preference = store.registry.get(key)
    old_raw = change.old_raw_value
    if old_raw is not None:
        stored = preference.stored_value(old_raw)
        if not stored.decodes:
            raise ValidationError(f"The old value of {key} no longer fits its type: {stored.error}")
        preference.clean(stored.value)  # The rules may have tightened since.
    accepted = None if force else (change.new_raw_value, old_raw)
    locked = None
    if store.lockable:
        # The lock the default had before this change: that of the change before it, if any.
        previous = (
            store.changes()
            .filter(section=change.section, name=change.name, changed_at__lte=change.changed_at)
            .exclude(pk=change.pk)
            .order_by("-changed_at", "-id")
            .first()
        )
        locked = bool(previous.locked) if previous is not None and previous.new_raw_value == old_raw else False
    with transaction.atomic():
        return _write(
            store, preference, old_raw, actor=actor_name(actor), source="revert", accepted=accepted, locked=locked
        )
