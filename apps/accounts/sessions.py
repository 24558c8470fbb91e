"""Sessions read from Redis first and kept in PostgreSQL: never worse than the database engine.

`SESSION_ENGINE = "apps.accounts.sessions"`. A warm signed-in request reads its session with one Redis MGET
(the session's cached copy and the *session cache generation*) and no SQL.

- Reads: the copy is used only if it carries the current generation. A miss, a stale generation, a Redis
  error or timeout (the `sessions` cache alias has short socket timeouts) reads PostgreSQL; a Redis failure
  also opens a circuit (`apps.core.circuit`) for SESSION_CACHE_RETRY_SECONDS, during which no request tries
  Redis. A copy read from PostgreSQL is cached with the generation read *before* the database read, so a
  generation bumped meanwhile makes it stale, never the other way round.
- Writes: PostgreSQL first (the truth), then the cached copy, best effort. A session saved without knowing
  the generation (its read skipped Redis) drops its cached copy instead; a new session is cached by its
  first read.
- Ends (logout, flush, cycle_key, `user_sessions_end`): the row is deleted, then the cached copy (inside a
  transaction, again once it commits: a request may have cached the row before). A cached copy lives at most
  SESSION_CACHE_SECONDS, then it is read from PostgreSQL again.

A cache write or delete that failed, or was skipped because the circuit was open, may leave a copy that
PostgreSQL no longer agrees with (and a command a stalled Redis received may still run when it wakes). The
process remembers it, and the first time it reaches Redis again, before anything else, it replaces the
generation with a fresh random token: every cached copy of every tenant is then stale and read from
PostgreSQL once.

Residual window: from the moment Redis answers again until the process that failed next reaches it (its
next session read or write after its circuit's SESSION_CACHE_RETRY_SECONDS), another process may still
accept the copy of a session that was ended during the outage. It is never longer than SESSION_CACHE_SECONDS
after the failed delete, since the copy expires in Redis by then (Redis expires keys by the wall clock, even
a stalled one). A process that dies before reaching Redis again leaves the same bound. Outside outages the
race is Django's `cached_db`'s: a copy filled from a read that began before a concurrent delete finished
outlives it by at most SESSION_CACHE_SECONDS.
"""

import threading
import uuid
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.cache import BaseCache
from django.db import connection, transaction

from apps.core.circuit import CircuitBreaker
from apps.core.tenancy import current_schema_name

KEY_PREFIX = "portal:session:"
GENERATION_KEY = "portal:session-generation"

circuit = CircuitBreaker("Sessions' cache", retry_setting="SESSION_CACHE_RETRY_SECONDS")
_lock = threading.Lock()
# Set when a cached copy may disagree with PostgreSQL; cleared once a new generation is stored.
_generation_bump_pending = False


def sessions_forget_local() -> None:
    """Close the circuit and forget a pending generation bump (tests)."""
    global _generation_bump_pending
    circuit.reset()
    with _lock:
        _generation_bump_pending = False


def _mark_bump_pending() -> None:
    global _generation_bump_pending
    with _lock:
        _generation_bump_pending = True


def _bump_if_pending(cache: BaseCache) -> None:
    """Store a new generation if a cache write or delete of this process failed; raise if Redis fails."""
    global _generation_bump_pending
    if not _generation_bump_pending:
        return
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    with _lock:
        _generation_bump_pending = False


def _failed(exc: Exception, *, wrote: bool) -> None:
    if wrote:
        _mark_bump_pending()
    if circuit.is_closed():
        circuit.trip(exc)


def _cached_seconds() -> int:
    return int(getattr(settings, "SESSION_CACHE_SECONDS", 300))


class SessionStore(CachedDBStore):
    """Django's cached_db store, made safe for a stalled Redis and for ends whose cache delete failed."""

    cache_key_prefix = KEY_PREFIX
    _cache: BaseCache  # set by cached_db's __init__ (the SESSION_CACHE_ALIAS cache)

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        # The generation this store last read from Redis; None: not read (yet), so nothing is cached under it.
        self._generation: str | None = None

    @property
    def cache_key(self) -> str:
        return self._cache_key_for(self._get_or_create_session_key())  # type: ignore[attr-defined]

    def _cache_key_for(self, session_key: str, schema: str | None = None) -> str:
        # Each tenant schema has its own sessions table: one key in two schemas is two sessions.
        return f"{KEY_PREFIX}{schema or current_schema_name()}:{session_key}"

    def load(self) -> dict[str, Any]:
        cached = self._cache_read()
        if cached is not None:
            return cached
        stored = self._get_session_from_db()  # type: ignore[attr-defined]  # None: missing or expired
        if stored is None:
            return {}
        data: dict[str, Any] = self.decode(stored.session_data)
        if self._generation is not None:
            self._cache_write(data, self.get_expiry_age(expiry=stored.expire_date))
        return data

    def exists(self, session_key: str | None) -> bool:
        # PostgreSQL alone: it is the truth, and this runs only when a session is created.
        return session_key is not None and DBStore.exists(self, session_key)

    def save(self, must_create: bool = False) -> None:
        DBStore.save(self, must_create)
        if self._generation is not None:
            self._cache_write(self._get_session(), self.get_expiry_age())  # type: ignore[attr-defined]
        elif not must_create and self.session_key is not None:
            self._cache_forget(self.session_key)  # a copy of what was there before may be cached

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        DBStore.delete(self, session_key)
        self._cache_forget(session_key)
        if connection.in_atomic_block:
            # Until the delete commits, a request may read the row and cache it again: drop that copy too.
            schema = current_schema_name()
            transaction.on_commit(lambda: self._cache_forget(session_key, schema=schema))

    # The async API runs the same code (Django's cached_db has its own copies of it).
    async def aload(self) -> dict[str, Any]:
        return await sync_to_async(self.load)()

    async def aexists(self, session_key: str | None) -> bool:
        return await sync_to_async(self.exists)(session_key)

    async def asave(self, must_create: bool = False) -> None:
        await sync_to_async(self.save)(must_create)

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)

    def _cache_read(self) -> dict[str, Any] | None:
        """Return the cached copy if it carries the current generation; remember the generation."""
        if not circuit.is_closed():
            return None
        key = self.cache_key
        try:
            _bump_if_pending(self._cache)
            found = self._cache.get_many([key, GENERATION_KEY])
            generation = found.get(GENERATION_KEY)
            if generation is None:  # first use, or Redis lost its data: of two processes at once, one wins
                self._cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
                generation = self._cache.get(GENERATION_KEY)
        except Exception as exc:  # any Redis failure: PostgreSQL answers
            _failed(exc, wrote=False)
            return None
        self._generation = generation
        entry = found.get(key)
        if isinstance(entry, dict) and generation is not None and entry.get("generation") == generation:
            data: dict[str, Any] = entry["data"]
            return data
        return None

    def _cache_write(self, data: dict[str, Any], expiry_age: int) -> None:
        session_key = self.session_key
        assert session_key is not None  # loaded or just saved
        timeout = min(expiry_age, _cached_seconds())
        if timeout <= 0:  # already expired: no copy may stay
            self._cache_forget(session_key)
            return
        if not circuit.is_closed():
            _mark_bump_pending()
            return
        try:
            _bump_if_pending(self._cache)
            entry = {"generation": self._generation, "data": data}
            self._cache.set(self._cache_key_for(session_key), entry, timeout)
        except Exception as exc:
            _failed(exc, wrote=True)

    def _cache_forget(self, session_key: str, schema: str | None = None) -> None:
        if not circuit.is_closed():
            _mark_bump_pending()
            return
        try:
            _bump_if_pending(self._cache)
            self._cache.delete(self._cache_key_for(session_key, schema))
        except Exception as exc:
            _failed(exc, wrote=True)
