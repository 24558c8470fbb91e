"""Host name → tenant, served from a per-process cache kept current by one version token in Redis.

Every request needs its tenant before anything else; reading it from PostgreSQL costs two statements (the
domain join and the `SET search_path` to public that precedes it). Here each process keeps the serving
tenants it has seen, by host name, with the token it loaded them at. A request reads the token; if it moved,
the process forgets every entry. The token is held by the process-wide client-side tracking (apps.core.tracking,
the connection the preference snapshots' tokens share), so a request makes no round trip until Redis pushes a
change; without tracking (lost connection, a server that cannot track, TENANT_LOOKUP_CLIENT_TRACKING off) it
is one GET. Any save or delete of a tenant or a domain forgets this
process's entries at once and gives the token a new random value on commit, so the other processes follow
on their next request — the shape of the preference snapshots (apps/preferences/cache.py).

Only serving tenants are kept: a pending, provisioning, failed or inactive tenant is read from the database
on each request, so a tenant that becomes ready (the provisioning task writes its state with `update()`,
which sends no signal) serves at once. Code that stops a serving tenant without `save()` or `delete()` must
call `tenant_lookup_invalidate()`.

Redis down or stalled: the token's client gives up after TENANT_LOOKUP_REDIS_TIMEOUT (0.1 s), a failure opens
a circuit for a few seconds, and lookups read PostgreSQL (nothing kept) meanwhile.
"""

import copy
import logging
import threading
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction

from apps.core.circuit import CircuitBreaker
from apps.core.tracking import shared_tracker, track_prefix
from apps.tenants.models import Domain, Tenant

logger = logging.getLogger(__name__)

VERSION_KEY = "portal:tenants:version"
# The tracked prefix: the token and nothing else of this app's (Redis refuses prefixes that overlap).
TRACKED_PREFIX = "portal:tenants:"
track_prefix(TRACKED_PREFIX)

_lock = threading.Lock()
# {host name: (tenant, token it was loaded at, monotonic time loaded)}
_entries: dict[str, tuple[Tenant, str, float]] = {}
circuit = CircuitBreaker("Tenant lookup", retry_setting="TENANT_LOOKUP_REDIS_RETRY_SECONDS")


_clients: dict[str, Any] = {}


def _redis() -> Any:
    """Return a client of the cache's Redis with a timeout of its own, shorter than the cache's.

    Every request reads the token before anything else: on a stalled Redis it must give up well before the
    cache's 0.5 s, which the preference snapshots' first read pays next (a request's bound adds both).
    """
    import redis

    url = str(settings.CACHES["default"]["LOCATION"])
    client = _clients.get(url)
    if client is None:
        timeout = float(getattr(settings, "TENANT_LOOKUP_REDIS_TIMEOUT", 0.1))
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        _clients[url] = client
    return client


# (client tracking on, max age, retry seconds), read once per process: every request needs them, and reading an
# unset name costs the live-settings overlay's miss path. Tests change them through setting_changed.
_conf: tuple[bool, float, float] | None = None


def _settings() -> tuple[bool, float, float]:
    global _conf
    conf = _conf
    if conf is None:
        conf = _conf = (
            bool(getattr(settings, "TENANT_LOOKUP_CLIENT_TRACKING", True)),
            # A safety net only: the token is what keeps entries current.
            float(getattr(settings, "TENANT_LOOKUP_MAX_AGE", 300.0)),
            float(getattr(settings, "TENANT_LOOKUP_REDIS_RETRY_SECONDS", 5.0)),
        )
    return conf


def _forget_settings(*, setting: str, **kwargs: Any) -> None:
    global _conf
    if setting.startswith("TENANT_LOOKUP_"):
        _conf = None
        _clients.clear()  # the timeout may have changed
    elif setting == "CACHES":
        _clients.clear()


setting_changed.connect(_forget_settings, dispatch_uid="tenant-lookup-settings")


def _fetch_token(client: Any) -> Any:
    tracking, _, retry_seconds = _settings()
    if not tracking:
        return client.get(VERSION_KEY)
    return shared_tracker(client, retry_seconds=retry_seconds).tokens([VERSION_KEY], fetch=client.mget)[VERSION_KEY]


def _current_token() -> str | None:
    """Return the tenants' version token (created if missing), or None when Redis cannot answer."""
    if not circuit.is_closed():
        return None
    try:
        client = _redis()
        token = _fetch_token(client)
        if token is None:
            fresh = uuid.uuid4().hex
            # NX: of two processes creating it at once, both end up with the one value stored. The tracker pushes
            # this write to itself too: the next request fetches the token once more, then holds it.
            client.set(VERSION_KEY, fresh, nx=True)
            token = client.get(VERSION_KEY) or fresh
    except Exception as exc:  # Any Redis failure: read PostgreSQL for a while.
        circuit.trip(exc)
        return None
    return token.decode() if isinstance(token, bytes) else str(token)


def _load(hostname: str) -> Tenant:
    return Domain.objects.select_related("tenant").get(domain=hostname).tenant


def tenant_for_hostname(hostname: str) -> Tenant:
    """Return the tenant a host name routes to (a copy the caller may annotate); raise Domain.DoesNotExist."""
    token = _current_token()
    if token is None:
        return _load(hostname)
    with _lock:
        entry = _entries.get(hostname)
        if entry is not None and entry[1] != token:
            _entries.clear()  # some tenant or domain changed: every entry may be stale
            entry = None
        elif entry is not None and time.monotonic() - entry[2] > _settings()[1]:
            entry = None
    if entry is None:
        tenant = _load(hostname)
        if not tenant.is_serving:
            return tenant
        with _lock:
            _entries[hostname] = (tenant, token, time.monotonic())
    else:
        tenant = entry[0]
    # A shallow copy: the middleware sets `domain_url` on it, and threads must not share one mutable object.
    return copy.copy(tenant)


def tenant_lookup_forget_local() -> None:
    """Forget this process's entries (tests call it between tests, whose writes roll back)."""
    with _lock:
        _entries.clear()


def tenant_lookup_reset() -> None:
    """Forget the entries and close the Redis circuit (tests: an outage one test made ends with it)."""
    tenant_lookup_forget_local()
    circuit.reset()


def _bump_token() -> None:
    try:
        _redis().set(VERSION_KEY, uuid.uuid4().hex)
    except Exception as exc:
        # The other processes keep their entries until Redis answers again or TENANT_LOOKUP_MAX_AGE passes.
        logger.warning("Tenant lookup: could not bump the version token (%s).", exc)


def tenant_lookup_invalidate() -> None:
    """Forget every process's entries: this one's now, the others' once the transaction commits."""
    tenant_lookup_forget_local()
    transaction.on_commit(_bump_token)


def _on_change(sender: type, **kwargs: Any) -> None:
    tenant_lookup_invalidate()


def tenant_lookup_connect() -> None:
    """Invalidate on every save and delete of a tenant or a domain (called from the app's `ready()`)."""
    from django.db.models.signals import post_delete, post_save

    for model in (Tenant, Domain):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"tenant-lookup-{model.__name__}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"tenant-lookup-{model.__name__}-delete")
