"""Per-process snapshots of the site and tenant-wide scopes, kept current by version tokens in Redis.

Every cached scope ("site", "global:<schema>") has a version token in Redis, replaced on each committed
write. A request (or Celery task) starts with `snapshots_pinned()`: one MGET fetches the tokens of the
scopes it may read, a scope whose token moved is reloaded from PostgreSQL (one query), and the snapshots
are pinned for the rest of the request so it sees one consistent set of values. Reads are then plain dict
lookups: no SQL, no Redis.

Redis down or stalled: its client has short timeouts, a failure opens a circuit for a few seconds, and
scopes are read from PostgreSQL (one query per scope per request) with a logged warning; never an error.

The MGET is skipped when every token is still held by this process's client-side tracking
(apps.core.tracking): Redis pushes each change, so an unchanged request makes no round trip.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection

from apps.core.circuit import CircuitBreaker
from apps.core.tenancy import current_schema_name
from apps.core.tracking import TokenTracker, shared_tracker, shared_tracker_close, track_prefix

logger = logging.getLogger(__name__)

VERSION_KEY_PREFIX = "portal:prefs:version:"
SITE_KEY = "site"
track_prefix(VERSION_KEY_PREFIX)


@dataclass
class Snapshot:
    """One scope's stored values, {key: (raw JSON text, decoded value)}, and the version they were loaded at."""

    values: dict[str, tuple[str, Any]]
    version: str | None  # None: loaded without Redis, so never trusted beyond the current request
    loaded_at: float = field(default_factory=time.monotonic)
    # What else the scope's rows hold, under the same version (a tenant's defaults of user preferences).
    extra: Any = None


# A loader reads one scope from PostgreSQL; it is found by the scope key's prefix ("global:acme" -> "global")
# and called with the rest ("acme").
Loader = Callable[[str], dict[str, tuple[str, Any]]]
# An extra loader reads what else a scope's snapshot holds (a tenant's defaults of user preferences).
ExtraLoader = Callable[[str], Any]

_lock = threading.Lock()
_snapshots: dict[str, Snapshot] = {}
# Scopes this process wrote while Redis was unreachable; their version is replaced once it answers again.
_pending_bumps: set[str] = set()
# {prefix: load(rest) -> (values, extra)}: one call per reload, as few queries as its loader makes.
_loaders: dict[str, Callable[[str], tuple[dict[str, tuple[str, Any]], Any]]] = {}


class _DirtyScopes(threading.local):
    """Scopes written in this thread's open (uncommitted) transaction: read them from the database."""

    def __init__(self) -> None:
        # Set per thread up front: a missing attribute on a thread-local is slow to look up on every read.
        self.scopes: set[str] = set()


_dirty = _DirtyScopes()
_pinned: ContextVar[dict[str, Snapshot] | None] = ContextVar("preferences_pinned", default=None)
circuit = CircuitBreaker("Preferences cache", retry_setting="PREFERENCES_REDIS_RETRY_SECONDS")


@dataclass(frozen=True)
class _Conf:
    """The engine's settings, read once per process (and again after a test overrides one)."""

    client_tracking: bool
    snapshot_max_age: float
    redis_retry_seconds: float
    unpinned_check_seconds: float


_conf: _Conf | None = None
# The cache's Redis client, held: django-redis looks it up through the cache handler on every call.
_client: Any = None


def _settings() -> _Conf:
    # Reading an unset name goes through the live-settings overlay's miss path (an exception, a sync check):
    # several microseconds a read, on every request. These never change at runtime but in tests.
    global _conf
    conf = _conf
    if conf is None:
        conf = _conf = _Conf(
            client_tracking=bool(getattr(settings, "PREFERENCES_CLIENT_TRACKING", True)),
            snapshot_max_age=float(getattr(settings, "PREFERENCES_SNAPSHOT_MAX_AGE", 300.0)),
            redis_retry_seconds=float(getattr(settings, "PREFERENCES_REDIS_RETRY_SECONDS", 5.0)),
            unpinned_check_seconds=float(getattr(settings, "PREFERENCES_UNPINNED_CHECK_SECONDS", 1.0)),
        )
    return conf


def _forget_settings(*, setting: str, **kwargs: Any) -> None:
    global _conf, _client
    if setting.startswith("PREFERENCES_"):
        _conf = None
    elif setting == "CACHES":
        _client = None


setting_changed.connect(_forget_settings, dispatch_uid="preferences-cache-settings")


def _redis() -> Any:
    global _client
    client = _client
    if client is None:
        from django_redis import get_redis_connection

        client = _client = get_redis_connection("default")
    return client


def _redis_available() -> bool:
    return circuit.is_closed()


def _redis_failed(exc: Exception) -> None:
    circuit.trip(exc)
    # Writes during the outage could not bump versions: no snapshot loaded before it can be trusted after it.
    with _lock:
        _snapshots.clear()
    if _tracker is not None:
        _tracker.forget()


def _replay_pending_bumps(client: Any) -> None:
    """Give new tokens to the scopes written while Redis was down, so every other process reloads them."""
    with _lock:
        keys = list(_pending_bumps)
        _pending_bumps.clear()
    for key in keys:
        client.set(VERSION_KEY_PREFIX + key, uuid.uuid4().hex)


# The process-wide tracker (apps.core.tracking) as this module last used it.
_tracker: TokenTracker | None = None


def _token_tracker(client: Any) -> TokenTracker | None:
    """This process's tracker of version tokens, or None when PREFERENCES_CLIENT_TRACKING is off."""
    global _tracker
    conf = _settings()
    if not conf.client_tracking:
        return None
    # The cache may point elsewhere since the last request (a settings change): the tracker follows it.
    _tracker = shared_tracker(client, retry_seconds=conf.redis_retry_seconds)
    return _tracker


def fetch_versions(scope_keys: list[str]) -> dict[str, str | None] | None:
    """Return the version token of each scope, or None if Redis cannot answer.

    Tokens this process holds and Redis has not invalidated cost no round trip (apps.preferences.tracking);
    the others come in one MGET.
    """
    if not scope_keys or not _redis_available():
        return None
    redis_keys = [VERSION_KEY_PREFIX + key for key in scope_keys]
    try:
        client = _redis()
        if _pending_bumps:  # only after an outage during which this process wrote
            _replay_pending_bumps(client)
        tracker = _token_tracker(client)
        if tracker is None:
            tokens = client.mget(redis_keys)
        else:
            held = tracker.tokens(redis_keys, fetch=client.mget)
            tokens = [held[key] for key in redis_keys]
    except Exception as exc:  # Any Redis failure: serve from PostgreSQL instead.
        _redis_failed(exc)
        return None
    return {
        key: (token.decode() if isinstance(token, bytes) else token)
        for key, token in zip(scope_keys, tokens, strict=True)
    }


def bump_version(scope_key: str) -> None:
    """Give a scope a new version token (after a commit), so every process reloads it."""
    # A fresh random token, not INCR: if Redis loses its data, no old token can ever match again.
    try:
        if not _redis_available():
            raise ConnectionError("Redis circuit open")
        _redis().set(VERSION_KEY_PREFIX + scope_key, uuid.uuid4().hex)
    except Exception as exc:
        # Remember it: the first round trip after Redis is back gives the scope a new token.
        with _lock:
            _pending_bumps.add(scope_key)
        if _redis_available():
            _redis_failed(exc)
    with _lock:
        _snapshots.pop(scope_key, None)
    pinned = _pinned.get()
    if pinned is not None:
        pinned.pop(scope_key, None)


def register_loader(prefix: str, loader: Loader, extra: ExtraLoader | None = None) -> None:
    """Say how to load the scopes whose key starts with `prefix` (done once by the engine at import).

    `extra` loads what else the snapshot holds, kept current by the same version token.
    """

    def load(rest: str) -> tuple[dict[str, tuple[str, Any]], Any]:
        return loader(rest), extra(rest) if extra is not None else None

    _loaders[prefix] = load


def register_scope_loader(prefix: str, load: Callable[[str], tuple[dict[str, tuple[str, Any]], Any]]) -> None:
    """Like `register_loader`, with one function returning the values and the extra together (one query)."""
    _loaders[prefix] = load


def _dirty_scopes() -> set[str]:
    scopes = _dirty.scopes
    if scopes and not connection.in_atomic_block:
        # The transaction that wrote them ended without on_commit clearing them: it rolled back.
        with _lock:
            for key in scopes:
                _snapshots.pop(key, None)
        scopes.clear()
    return scopes


def mark_dirty(scope_key: str) -> None:
    """Note that this thread's open transaction wrote to a scope; reads bypass the snapshot until commit."""
    _dirty_scopes().add(scope_key)


def clear_dirty(scope_key: str) -> None:
    _dirty_scopes().discard(scope_key)


def _load(scope_key: str, version: str | None) -> Snapshot:
    prefix, _, rest = scope_key.partition(":")
    values, extra = _loaders[prefix](rest)
    return Snapshot(values=values, version=version, extra=extra)


def _refresh(scope_keys: list[str]) -> dict[str, Snapshot]:
    """Return current snapshots of the scopes, reloading those whose version moved (one MGET in all)."""
    versions = fetch_versions(scope_keys)
    max_age = _settings().snapshot_max_age
    now = time.monotonic()
    result = {}
    for key in scope_keys:
        if versions is None:
            # Without Redis nothing proves a snapshot current: read PostgreSQL, keep it for this request only.
            result[key] = _load(key, None)
            continue
        remote = versions[key] or ""
        with _lock:
            local = _snapshots.get(key)
        if local is None or local.version != remote or now - local.loaded_at > max_age:
            local = _load(key, remote)
            with _lock:
                _snapshots[key] = local
        result[key] = local
    return result


def snapshot(scope_key: str) -> Snapshot:
    """Return the snapshot to read a scope from: the pinned one, or a freshly verified one."""
    # The hot path of every read: keep it to a few attribute and dict lookups.
    if _dirty.scopes and scope_key in _dirty_scopes():
        return _load(scope_key, None)
    pinned = _pinned.get()
    if pinned is not None:
        pinned_snapshot = pinned.get(scope_key)
        if pinned_snapshot is None:
            pinned.update(_refresh([scope_key]))
            pinned_snapshot = pinned[scope_key]
        return pinned_snapshot
    # Outside a request or task (shell, command): verify at most every few seconds.
    with _lock:
        local = _snapshots.get(scope_key)
    interval = _settings().unpinned_check_seconds
    if local is not None and local.version is not None and time.monotonic() - local.loaded_at < interval:
        return local
    return _refresh([scope_key])[scope_key]


def global_key(schema_name: str) -> str:
    """Return the scope key of one tenant's values (its loader is registered under "global")."""
    return f"global:{schema_name}"


def scope_keys_for_current_schema() -> list[str]:
    """Return the cached scopes a request on the current schema may read."""
    schema = current_schema_name()
    if schema == settings.PUBLIC_SCHEMA_NAME:
        return [SITE_KEY]
    return [SITE_KEY, global_key(schema)]


@contextmanager
def snapshots_pinned(scope_keys: list[str] | None = None) -> Iterator[None]:
    """Verify the scopes' versions in one round trip, then serve every read in the block from them."""
    keys = scope_keys if scope_keys is not None else scope_keys_for_current_schema()
    token = _pinned.set(_refresh(keys))
    try:
        yield
    finally:
        _pinned.reset(token)


def pinned_version(scope_key: str) -> str | None:
    """Return the version token of the scope's snapshot pinned for this request and current in Redis.

    None when nothing is pinned, the scope is not pinned yet, was loaded without Redis, or this thread's open
    transaction wrote to it: then nothing proves what it holds.
    """
    pinned = _pinned.get()
    if pinned is None or (_dirty.scopes and scope_key in _dirty_scopes()):
        return None
    pinned_snapshot = pinned.get(scope_key)
    return pinned_snapshot.version if pinned_snapshot is not None else None


def snapshots_are_pinned() -> bool:
    """Return whether the current request or task reads from pinned snapshots (`snapshots_pinned`)."""
    return _pinned.get() is not None


def snapshots_reload() -> None:
    """Reload every scope from PostgreSQL now, in this process and in the snapshots pinned for this request.

    For declarations that change at runtime (live settings created by superadmins): a snapshot leaves out the
    values of keys not declared when it was loaded, so it is read again once they are.
    """
    with _lock:
        _snapshots.clear()
    pinned = _pinned.get()
    if pinned is not None:
        pinned.update({key: _load(key, None) for key in pinned})


def clear_local() -> None:
    """Forget every snapshot of this process (tests; an operator's cache reset)."""
    with _lock:
        _snapshots.clear()
        _pending_bumps.clear()
    _dirty_scopes().clear()
    circuit.reset()
    shared_tracker_close()
