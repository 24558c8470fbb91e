"""Version tokens kept in this process and dropped when Redis says they changed (server-assisted tracking).

One dedicated connection per process runs `CLIENT TRACKING ON REDIRECT <its own id> BCAST PREFIX … PREFIX …`
(every prefix registered with `track_prefix`: the preference snapshots' tokens, the tenant lookup's) and
subscribes to `__redis__:invalidate`: from then on Redis pushes the name of every tracked key that changes (or
None when a database is flushed) down that connection. Before each read the pushed messages already in the
socket are drained (a zero-timeout poll of the socket, no round trip); a token still held is then current, and
only tokens not held are fetched, with one MGET. `shared_tracker(client)` returns this process's tracker.

Why this and not redis-py's built-in client cache: that needs Redis 7.4 or newer (RESP3 with
`cache_config=`); this works from Redis 6 (RESP2 push through a redirect), and this machine runs 7.0.

Correctness: Redis writes the invalidation to the tracking connection while it executes the write, before it
answers the writer, so a process reading after the writer's commit returned finds the message in its socket.
A token fetched while an invalidation was on its way is used for that request only and not kept. Any doubt —
the connection broke, a message cannot be read, the server cannot track — drops every token and falls back
to the MGET on every request until the connection is made again (after the caller's retry_seconds).
"""

import contextlib
import logging
import os
import select
import threading
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

INVALIDATE_CHANNEL = b"__redis__:invalidate"
# The connection options of the cache's pool that a plain RESP2 connection takes as well.
_CONNECTION_OPTIONS = ("host", "port", "db", "username", "password", "socket_timeout", "socket_connect_timeout", "path")

Fetch = Callable[[list[str]], list[Any]]


class TokenTracker:
    """The tokens of tracked keys this process holds, kept current by the pushes Redis sends."""

    def __init__(
        self,
        prefixes: list[str],
        connection_factory: Callable[[], Any],
        *,
        source: object = None,
        retry_seconds: float = 5.0,
    ) -> None:
        # What the connections are made for (a server and database): another one needs a new tracker.
        self.source = source
        self.prefixes = list(prefixes)
        # How long to read with the fetch alone after the tracking connection failed.
        self.retry_seconds = retry_seconds
        self._connection_factory = connection_factory
        self._connection: Any = None
        # Polls the connection's socket: far cheaper than redis-py's non-blocking read, which raises when empty.
        self._poller: Any = None
        # Whether the parser may hold pushed messages already read from the socket (which a poll cannot see).
        self._buffered = False
        self._pid = 0
        self._tokens: dict[str, Any] = {}
        # Incremented by every invalidation: a fetch that saw it change keeps nothing of what it fetched.
        self._epoch = 0
        self._retry_at = 0.0
        self._lock = threading.Lock()
        self.round_trips_saved = 0

    @property
    def active(self) -> bool:
        """Whether tokens are served from this process (the tracking connection is up)."""
        return self._connection is not None and self._pid == os.getpid()

    def tokens(self, keys: list[str], fetch: Fetch) -> dict[str, Any]:
        """The current token of each key; `fetch` (one MGET) is called for those not held, if any.

        Without a tracking connection every key is fetched, and the connection is opened only once that fetch
        proved Redis answers (an unreachable or stalled server costs one attempt, not two).
        """
        with self._lock:
            if not self._connected():
                values = fetch(keys)
                # Nothing fetched before the subscription can be kept: a change may have come in between.
                self._try_connect()
                return dict(zip(keys, values, strict=True))
            try:
                self._drain()
            except Exception as exc:  # A broken or confused connection: trust nothing it held.
                self._disconnect(exc)
                return dict(zip(keys, fetch(keys), strict=True))
            missing = [key for key in keys if key not in self._tokens]
            if not missing:
                self.round_trips_saved += 1
                return {key: self._tokens[key] for key in keys}
            epoch = self._epoch
            # The held ones were current when this request began; an invalidation drained after the fetch may
            # drop them, and this request still reads them (as if it had begun a moment earlier).
            held = {key: self._tokens[key] for key in keys if key in self._tokens}
            fetched = dict(zip(missing, fetch(missing), strict=True))
            self._buffered = True  # the fetch is the caller's code: it may have read the socket (tests do)
            try:
                self._drain()
            except Exception as exc:
                self._disconnect(exc)
                return {key: fetched[key] if key in fetched else held[key] for key in keys}
            if self._epoch == epoch:
                self._tokens.update(fetched)
            return {key: fetched[key] if key in fetched else held[key] for key in keys}

    def forget(self) -> None:
        """Drop every token held (tests; after an outage): the next read fetches them again."""
        with self._lock:
            self._tokens.clear()
            self._epoch += 1

    def close(self) -> None:
        with self._lock:
            self._disconnect(None)
            self._retry_at = 0.0

    def _connected(self) -> bool:
        if self._connection is not None and self._pid != os.getpid():
            # A forked child inherited the parent's socket: never read it, open its own.
            self._connection, self._tokens = None, {}
        return self._connection is not None

    def _try_connect(self) -> None:
        if time.monotonic() < self._retry_at:
            return
        try:
            self._connection = self._subscribe()
        except Exception as exc:
            self._disconnect(exc)
            return
        self._pid = os.getpid()
        self._tokens.clear()
        self._epoch += 1

    def _subscribe(self) -> Any:
        connection = self._connection_factory()
        connection.connect()
        connection.send_command("CLIENT", "ID")
        client_id = connection.read_response()
        prefixes = [part for prefix in self.prefixes for part in ("PREFIX", prefix)]
        connection.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST", *prefixes)
        if connection.read_response() not in (b"OK", "OK"):
            raise ConnectionError("Redis refused CLIENT TRACKING")
        connection.send_command("SUBSCRIBE", INVALIDATE_CHANNEL)
        connection.read_response()
        sock = getattr(connection, "_sock", None)
        self._poller = None
        if sock is not None:
            self._poller = select.poll()
            self._poller.register(sock, select.POLLIN)
        self._buffered = True  # a push may have come in with the SUBSCRIBE reply
        return connection

    def _drain(self) -> None:
        connection = self._connection
        if not self._buffered and self._poller is not None and not self._poller.poll(0):
            return  # nothing in the socket and nothing left in the parser: the common case
        self._buffered = True  # until the loop below ends normally
        while connection.can_read(timeout=0):
            message = connection.read_response()
            if not isinstance(message, list) or len(message) != 3 or message[0] != b"message":
                continue
            keys = message[2]
            self._epoch += 1
            if keys is None:  # FLUSHDB / FLUSHALL: every key changed
                self._tokens.clear()
                continue
            for key in keys:
                self._tokens.pop(key.decode() if isinstance(key, bytes) else key, None)
        # can_read answered no: the parser holds no complete message, so the next poll tells the whole story.
        self._buffered = False

    def _disconnect(self, exc: Exception | None) -> None:
        if exc is not None:
            logger.warning("Redis client tracking unavailable (%s); checking tokens each request.", exc)
            self._retry_at = time.monotonic() + self.retry_seconds
        connection, self._connection = self._connection, None
        self._poller = None
        self._tokens.clear()
        self._epoch += 1
        if connection is not None:
            # Closing a broken socket may fail too; it is gone either way.
            with contextlib.suppress(Exception):
                connection.disconnect()


def connection_factory_for(client: Any) -> Callable[[], Any]:
    """Make RESP2 connections to the server and database `client` (a redis-py client) uses."""
    pool = client.connection_pool
    options = {name: pool.connection_kwargs[name] for name in _CONNECTION_OPTIONS if name in pool.connection_kwargs}
    connection_class = pool.connection_class

    def build() -> Any:
        return connection_class(**options, protocol=2)

    return build


# Every prefix the process-wide tracker follows, and that tracker (made on first use).
_prefixes: list[str] = []
_shared: TokenTracker | None = None
_shared_lock = threading.Lock()
# The server and database of each client pool seen: one tracker serves every client of the same database.
_servers: dict[Any, tuple[Any, ...]] = {}


def track_prefix(prefix: str) -> None:
    """Follow the keys starting with `prefix` in the process-wide tracker (each app once, at import)."""
    global _shared
    with _shared_lock:
        if prefix in _prefixes:
            return
        _prefixes.append(prefix)
        if _shared is not None:
            # Subscribed without it: the next use subscribes again with every prefix.
            _shared.close()
            _shared = None


def _server_of(client: Any) -> tuple[Any, ...]:
    pool = client.connection_pool
    server = _servers.get(pool)
    if server is None:
        kwargs = pool.connection_kwargs
        server = _servers[pool] = tuple(kwargs.get(name) for name in ("host", "port", "db", "path"))
    return server


def shared_tracker(client: Any, *, retry_seconds: float = 5.0) -> TokenTracker:
    """Return this process's tracker of the server and database `client` (a redis-py client) uses.

    One tracking connection per process follows every registered prefix; a client of another server or
    database (a settings change, a test's own Redis) replaces it.
    """
    global _shared
    server = _server_of(client)
    tracker = _shared
    if tracker is None or tracker.source != server:
        with _shared_lock:
            tracker = _shared
            if tracker is None or tracker.source != server:
                if tracker is not None:
                    tracker.close()
                tracker = _shared = TokenTracker(_prefixes, connection_factory_for(client), source=server)
    tracker.retry_seconds = retry_seconds
    return tracker


def shared_tracker_close() -> None:
    """Close the process-wide tracking connection (tests; an operator's cache reset): the next use reopens it."""
    tracker = _shared
    if tracker is not None:
        tracker.close()
