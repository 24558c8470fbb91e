"""Compare the preferences engine with django-dynamic-preferences and django-constance, in one run.

Run from the repository root with the benchmark virtualenv (see benchmarks/README.md):

    .venv-bench/bin/python benchmarks/preferences.py [--quick]

All engines run in one process against the same PostgreSQL (database portal_bench, tenant schema "bench")
and the same Redis (never the development site's databases), with DEBUG off. The engines are interleaved
round by round: every round times every operation of every engine once, in a shuffled order, so a burst of
load on the machine hits all of them alike. It prints the per-request ratio first (ours against
django-dynamic-preferences at its best: its context processor's one MGET), then every operation's median
with its spread across rounds, the Redis round trips and SQL queries of one request, and the staleness across
processes (a child process that reads in a loop reports when it sees each new value), with PASS/FAIL lines.
Exit status 1 when a target fails.
"""

import argparse
import gc
import itertools
import os
import platform
import random
import select
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "benchmarks.settings_preferences"
TENANT_NAME = "Benchmark"
TENANT_SUBDOMAIN = "bench"
# The development site's Redis databases (cache, broker, results): the benchmark refuses to touch them.
FORBIDDEN_REDIS = {("127.0.0.1", 6379, 0), ("127.0.0.1", 6379, 1), ("127.0.0.1", 6379, 2)}

# The key every single-key operation uses, in each engine's spelling, and all keys for a request's reads.
KEY = "general__title"
CONSTANCE_KEYS = {
    "general__title": "GENERAL_TITLE",
    "general__support_email": "GENERAL_SUPPORT_EMAIL",
    "general__max_upload_mb": "GENERAL_MAX_UPLOAD_MB",
    "locale__week_start": "LOCALE_WEEK_START",
}
SEED_VALUES = {
    "general__title": "Benchmark portal",
    "general__support_email": "help@bench.example",
    "general__max_upload_mb": 42,
    "locale__week_start": "sunday",
}
READS_PER_REQUEST = 10

TARGET_REQUEST_RATIO = 5.0  # our per-request cost (tracking on) at least 5x lower than ddp at its best
TARGET_WARM_RATIO = 100.0
TARGET_REDIS_ROUND_TRIPS = 1
TARGET_SQL_QUERIES = 0
TARGET_STALENESS_P99_MS = 5.0
CHILD_PAUSE_SECONDS = 0.0002  # the staleness child's gap between two requests

OURS = "ours"
OURS_MGET = "ours (MGET)"
DDP = "dynamic-preferences"
TARGETED_PEERS = {DDP, "constance (redis)"}


@dataclass(frozen=True)
class Budget:
    """How long to measure: rounds of batched calls for fast operations, single samples for slow ones."""

    round_seconds: float  # a batched operation's share of one round lasts about this long
    rounds: int
    samples_per_round: int  # individually timed calls, for operations with an untimed setup step
    warmup: int
    changes: int  # committed changes the staleness child must see


FULL = Budget(round_seconds=0.02, rounds=20, samples_per_round=10, warmup=20, changes=200)
QUICK = Budget(round_seconds=0.01, rounds=6, samples_per_round=5, warmup=5, changes=40)


@dataclass
class Operation:
    """One engine's way of doing one measured thing; each round appends one per-call time (µs)."""

    engine: str
    name: str
    call: Callable[[], Any]
    setup: Callable[[], Any] | None = None  # untimed before each call: the call is then timed alone
    session: Callable[[], AbstractContextManager[Any]] = nullcontext
    number: int = 1  # calls per batch, calibrated to fill round_seconds
    rounds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.rounds)


@dataclass
class Engine:
    name: str
    operations: list[Operation]
    request: Callable[[], Any]  # its per-request path, for counting round trips
    activate: Callable[[], None] = lambda: None  # before anything of this engine runs (settings it needs)
    note: str = ""
    redis_client: Any = None  # a client of its own, besides the Django cache's


# --- bootstrapping -------------------------------------------------------------------------------------


def _django_setup() -> None:
    """Point Django at the benchmark settings (run as a script, sys.path starts at benchmarks/)."""
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if p not in ("", here)]
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    _redis_check()
    _database_ensure()
    import django

    django.setup()
    # The peers' declarations of our four global preferences (registered on import).
    import benchmarks.dynamic_preferences_registry  # noqa: F401


def _redis_check() -> None:
    """Refuse the development site's Redis databases: the benchmark writes and times its own."""
    from django.conf import settings

    url = urlparse(settings.REDIS_URL)
    db = int((url.path or "/0").lstrip("/") or 0)
    host = "127.0.0.1" if url.hostname in ("localhost", None) else url.hostname
    if (host, url.port or 6379, db) in FORBIDDEN_REDIS:
        sys.exit(f"REDIS_URL {settings.REDIS_URL} is the development site's; use a database of your own.")


def _database_ensure() -> None:
    """Create the benchmark database if it does not exist yet."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    params = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
            print(f"Created database {db['NAME']}.")


def _tenant_ensure() -> Any:
    """Migrate every schema, create and provision the benchmark tenant if missing, and activate it."""
    from django.core.management import call_command
    from django.db import connection

    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create, tenant_provision

    connection.set_schema_to_public()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    tenant = Tenant.objects.filter(schema_name=TENANT_SUBDOMAIN).first()
    if tenant is None:
        tenant = tenant_create(name=TENANT_NAME, subdomain=TENANT_SUBDOMAIN)
    tenant = tenant_provision(tenant)
    connection.set_tenant(tenant)
    return tenant


def _tracking(enabled: bool) -> Callable[[], None]:
    """Switch our engine between client-side tracking of version tokens and one MGET per request."""
    from django.conf import settings

    def activate() -> None:
        settings.PREFERENCES_CLIENT_TRACKING = enabled

    return activate


# --- counting Redis commands ---------------------------------------------------------------------------


@contextmanager
def redis_commands_counted(*clients: Any) -> Iterator[list[str]]:
    """Record every command the given redis-py clients send (each one is a round trip).

    Our tracking connection is counted too: anything it sends (a reconnection's CLIENT TRACKING) is a round
    trip; draining the invalidations already in its socket is not.
    """
    from apps.preferences import cache

    commands: list[str] = []
    patched: list[tuple[Any, str]] = []

    def patch(target: Any, method: str) -> None:
        original = getattr(target, method)

        def counting(*args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            commands.append(str(args[0]))
            return _original(*args, **kwargs)

        setattr(target, method, counting)  # an instance attribute shadows the method
        patched.append((target, method))

    for client in clients:
        patch(client, "execute_command")
    tracker = cache._tracker
    factory = None
    if tracker is not None:
        if tracker._connection is not None:
            patch(tracker._connection, "send_command")
        factory = tracker._connection_factory

        def counted_connection(_factory: Callable[[], Any] = factory) -> Any:
            connection = _factory()
            patch(connection, "send_command")
            return connection

        tracker._connection_factory = counted_connection
    try:
        yield commands
    finally:
        for target, method in patched:
            delattr(target, method)
        if tracker is not None:
            tracker._connection_factory = factory


# --- timing --------------------------------------------------------------------------------------------


def _batch(fn: Callable[[], Any], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return time.perf_counter() - start


def calibrate(engine: Engine, operation: Operation, budget: Budget) -> None:
    """Warm the operation up and choose how many calls fill its share of a round."""
    engine.activate()
    with operation.session():
        for _ in range(budget.warmup):
            if operation.setup is not None:
                operation.setup()
            operation.call()
        if operation.setup is not None:
            return
        number = 1
        while _batch(operation.call, number) < budget.round_seconds:
            number *= 2
        operation.number = number


def run_once(engine: Engine, operation: Operation, budget: Budget) -> None:
    """Time one round of one operation and append its per-call time in µs."""
    engine.activate()
    with operation.session():
        if operation.setup is None:
            operation.call()  # untimed: bring the engine's cache up to date after other engines' writes
            operation.rounds.append(_batch(operation.call, operation.number) / operation.number * 1e6)
            return
        samples = []
        for _ in range(budget.samples_per_round):
            operation.setup()
            start = time.perf_counter()
            operation.call()
            samples.append(time.perf_counter() - start)
        operation.rounds.append(statistics.median(samples) * 1e6)


def measure(engines: list[Engine], budget: Budget) -> None:
    """Interleave the engines: each round runs every operation once, in a new random order.

    Garbage collection is off while timing, as timeit does.
    """
    pairs = [(engine, operation) for engine in engines for operation in engine.operations]
    order = random.Random(14)
    gc.disable()
    try:
        for engine, operation in pairs:
            calibrate(engine, operation, budget)
        for _ in range(budget.rounds):
            order.shuffle(pairs)
            for engine, operation in pairs:
                run_once(engine, operation, budget)
    finally:
        gc.enable()
        for engine in engines:
            engine.activate()
        _tracking(True)()


# --- the engines ---------------------------------------------------------------------------------------


def ours(*, tracking: bool) -> Engine:
    """Our engine: the tenant's snapshot, pinned as PreferencesMiddleware does for a request."""
    from apps.preferences import cache
    from apps.preferences.registries import global_preferences_registry

    manager = global_preferences_registry.manager()
    keys = list(CONSTANCE_KEYS)
    name = OURS if tracking else OURS_MGET

    def request() -> None:
        with cache.snapshots_pinned():
            for key in itertools.islice(itertools.cycle(keys), READS_PER_REQUEST):
                manager[key]

    operations = [Operation(name, "request", request)]
    if tracking:

        def cold_read() -> None:
            with cache.snapshots_pinned():
                manager[KEY]

        def write() -> None:
            manager[KEY] = f"Benchmark portal {next(values)}"

        values = itertools.count()
        user_manager = _inheriting_user().preferences
        operations += [
            Operation(name, "warm read", lambda: manager[KEY], session=cache.snapshots_pinned),
            Operation(name, "user read (inherited)", lambda: user_manager[USER_KEY], session=cache.snapshots_pinned),
            Operation(name, "all keys", manager.all, session=cache.snapshots_pinned),
            Operation(name, "cold read", cold_read, setup=cache.clear_local),
            Operation(name, "write", write, setup=lambda: None),
        ]
    note = (
        "tracking on (PREFERENCES_CLIENT_TRACKING, the default): pin + 10 reads; warm: inside one pinned block;"
        " cold: clear_local() (drops snapshots and the tracking connection), then pin + read"
        if tracking
        else "PREFERENCES_CLIENT_TRACKING=False: pin (one MGET of the version tokens) + 10 reads"
    )
    return Engine(name=name, operations=operations, request=request, activate=_tracking(tracking), note=note)


def dynamic_preferences() -> Engine:
    """django-dynamic-preferences: its global manager, cached per key in the Django cache (django-redis)."""
    from django.core.cache import caches
    from dynamic_preferences.processors import global_preferences
    from dynamic_preferences.registries import global_preferences_registry
    from dynamic_preferences.settings import preferences_settings

    manager = global_preferences_registry.manager()
    section, name = KEY.split("__")
    cache_key = manager.get_cache_key(section, name)
    keys = list(CONSTANCE_KEYS)
    values = itertools.count()

    def request() -> None:
        """At its best: what its context processor does (manager().all(), one MGET), then dict reads."""
        preferences = global_preferences(None)["global_preferences"]
        for key in itertools.islice(itertools.cycle(keys), READS_PER_REQUEST):
            preferences[key]

    def request_single_reads() -> None:
        for key in itertools.islice(itertools.cycle(keys), READS_PER_REQUEST):
            manager[key]

    def write() -> None:
        manager[KEY] = f"Benchmark portal {next(values)}"

    return Engine(
        name=DDP,
        operations=[
            Operation(DDP, "request", request),
            Operation(DDP, "request, 10 single reads", request_single_reads),
            Operation(DDP, "warm read", lambda: manager[KEY]),
            Operation(DDP, "all keys", manager.all),
            Operation(
                DDP,
                "cold read",
                lambda: manager[KEY],
                setup=lambda: caches[preferences_settings.CACHE_NAME].delete(cache_key),
            ),
            Operation(DDP, "write", write, setup=lambda: None),
        ],
        request=request,
        note="request: its context processor (manager().all(): one MGET) + 10 dict reads;"
        " cold: its cache entry deleted, then read (cache miss, query, cache set)",
    )


def constance(backend_path: str, name: str) -> Engine:
    """django-constance with the given backend; a Config of its own so two backends can run side by side."""
    from constance import settings as constance_settings
    from constance.base import Config
    from django.utils.module_loading import import_string

    config = Config()
    config._backend = import_string(backend_path)()
    defaults = {key: options[0] for key, options in constance_settings.CONFIG.items()}
    attribute = CONSTANCE_KEYS[KEY]
    attributes = list(CONSTANCE_KEYS.values())
    local_cache = getattr(config._backend, "_cache", None)
    values = itertools.count()

    def read_all() -> dict[str, Any]:
        # What constance.utils.get_values() does, on this Config's backend.
        return {**defaults, **config._backend.mget(list(defaults))}

    def request() -> None:
        """At its best: every value in one MGET (get_values()), then dict reads."""
        everything = read_all()
        for attr in itertools.islice(itertools.cycle(attributes), READS_PER_REQUEST):
            everything[attr]

    def request_single_reads() -> None:
        for attr in itertools.islice(itertools.cycle(attributes), READS_PER_REQUEST):
            getattr(config, attr)

    def write() -> None:
        setattr(config, attribute, f"Benchmark portal {next(values)}")

    return Engine(
        name=name,
        operations=[
            Operation(name, "request", request),
            Operation(name, "request, 10 single reads", request_single_reads),
            Operation(name, "warm read", lambda: getattr(config, attribute)),
            Operation(name, "all keys", read_all),
            Operation(
                name,
                "cold read",
                lambda: getattr(config, attribute),
                setup=local_cache.clear if local_cache is not None else (lambda: None),
            ),
            Operation(name, "write", write, setup=lambda: None),
        ],
        request=request,
        redis_client=config._backend._rd,
        note=(
            "in-process cache, cleared for cold reads; values stale for up to its timeout in other processes"
            if local_cache is not None
            else "every read is a Redis GET: cold = warm; request: get_values() (one MGET) + 10 dict reads"
        ),
    )


USER_KEY = "appearance__items_per_page"


def _inheriting_user() -> Any:
    """A member of a group whose default (60) overrides the organisation's (40) for USER_KEY."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from apps.preferences.registries import user_preferences_registry
    from apps.preferences.services import preferences_set

    group, _ = Group.objects.get_or_create(name="Bench group")
    user, _ = get_user_model().objects.get_or_create(username="bench-user")
    user.groups.add(group)
    preferences_set(store=user_preferences_registry.organisation_defaults_store(), values={USER_KEY: 40})
    preferences_set(store=user_preferences_registry.group_defaults_store(group), values={USER_KEY: 60})
    fresh = get_user_model().objects.get(pk=user.pk)
    assert fresh.preferences[USER_KEY] == 60
    return fresh


def seed() -> None:
    """Store a non-default value for every key in every engine, so reads return stored values."""
    from constance import config
    from dynamic_preferences.registries import global_preferences_registry as peer_registry

    from apps.preferences.registries import global_preferences_registry
    from apps.preferences.services import preferences_set

    preferences_set(store=global_preferences_registry.store(), values=SEED_VALUES, source="command")
    peer = peer_registry.manager()
    for key, value in SEED_VALUES.items():
        peer[key] = value
        setattr(config, CONSTANCE_KEYS[key], value)
    assert global_preferences_registry.manager()[KEY] == SEED_VALUES[KEY]
    assert peer[KEY] == SEED_VALUES[KEY]


# --- per-request overhead ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overhead:
    redis_commands: list[str]
    sql_queries: int


def overhead(engine: Engine, *, cold: bool = False) -> Overhead:
    """Count the Redis commands and SQL queries of one request (for ours: pin + 10 reads)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_redis import get_redis_connection

    from apps.preferences import cache

    engine.activate()
    clients = [get_redis_connection("default")]
    if engine.redis_client is not None:
        clients.append(engine.redis_client)
    if cold:
        cache.clear_local()
    else:
        engine.request()  # make sure the snapshot or cache is current
    with redis_commands_counted(*clients) as commands, CaptureQueriesContext(connection) as queries:
        engine.request()
    return Overhead(redis_commands=commands, sql_queries=len(queries.captured_queries))


# --- staleness across processes ------------------------------------------------------------------------


def staleness_child(tracking: bool) -> int:
    """Read the title in a loop, a request every ~0.2 ms; on every change print `<began> <seen> <value>` (ns)."""
    from django.db import connection

    from apps.preferences import cache
    from apps.preferences.registries import global_preferences_registry
    from apps.tenants.models import Tenant

    _tracking(tracking)()
    connection.set_tenant(Tenant.objects.get(schema_name=TENANT_SUBDOMAIN))
    manager = global_preferences_registry.manager()
    last = None
    while True:
        # CLOCK_MONOTONIC is one clock for every process on Linux (perf_counter is not comparable).
        began = time.monotonic_ns()
        with cache.snapshots_pinned():
            value = manager[KEY]
        if value != last:
            sys.stdout.write(f"{began} {time.monotonic_ns()} {value}\n")
            sys.stdout.flush()
            last = value
            if value == "stop":
                return 0
        # A worker between requests, not a CPU-bound spin: on a busy machine the scheduler would put a spinning
        # process at the back of the queue for whole time slices and the figure would measure that instead.
        time.sleep(CHILD_PAUSE_SECONDS)


def staleness(tracking: bool, changes: int) -> tuple[list[float], list[float]]:
    """Commit `changes` new values here; return, in ms, how long after each commit the child saw it.

    And how long the child's request that saw it took (checking the tokens, reloading the snapshot): the rest
    of the delay is the push reaching the child and the child getting the CPU.
    """
    from django.db import transaction

    from apps.preferences.registries import global_preferences_registry

    manager = global_preferences_registry.manager()
    child = subprocess.Popen(
        [sys.executable, __file__, "--staleness-child", "on" if tracking else "off"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None
    child.stdout.readline()  # the current value: the child is reading
    delays: list[float] = []
    reloads: list[float] = []
    try:
        for index in range(changes):
            value = f"staleness {index}"
            committed: list[int] = []
            with transaction.atomic():
                # Registered first, so it runs right after COMMIT and before the write's own version bump.
                transaction.on_commit(lambda stamps=committed: stamps.append(time.monotonic_ns()))
                manager[KEY] = value
            while True:
                ready, _, _ = select.select([child.stdout], [], [], 2.0)
                if not ready:
                    raise RuntimeError(f"the child did not see {value!r} within 2 s")
                began_ns, seen_ns, seen = child.stdout.readline().rstrip("\n").split(" ", 2)
                if seen == value:
                    delays.append((int(seen_ns) - committed[0]) / 1e6)
                    reloads.append((int(seen_ns) - int(began_ns)) / 1e6)
                    break
            time.sleep(random.uniform(0, 0.002))  # not in lockstep with the child's loop
    finally:
        manager[KEY] = "stop"
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
        manager[KEY] = SEED_VALUES[KEY]
    return delays, reloads


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- report --------------------------------------------------------------------------------------------


OPERATIONS = [
    "request",
    "request, 10 single reads",
    "warm read",
    "user read (inherited)",
    "all keys",
    "cold read",
    "write",
]
# Rows the peers have no counterpart of, compared with the peers' row named here.
COMPARED_WITH = {"user read (inherited)": "warm read"}


def _describe(counts: Overhead) -> str:
    names = ", ".join(f"{count}x {name}" for name, count in _tally(counts.redis_commands)) or "none"
    return f"{len(counts.redis_commands)} Redis round trip(s) ({names}), {counts.sql_queries} SQL queries"


def _tally(commands: list[str]) -> list[tuple[str, int]]:
    return [(name, commands.count(name)) for name in dict.fromkeys(commands)]


def _find(engines: list[Engine], engine: str, name: str) -> Operation | None:
    for candidate in engines:
        for operation in candidate.operations:
            if candidate.name == engine and operation.name == name:
                return operation
    return None


def _ratio_spread(peer: Operation, base: Operation) -> str:
    """The ratio of medians, and its range over the rounds (each round's peer time / our time that round)."""
    per_round = [p / b for p, b in zip(peer.rounds, base.rounds, strict=True)]
    return f"{peer.median / base.median:.1f}x (rounds {min(per_round):.1f}-{max(per_round):.1f}x)"


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def report(
    engines: list[Engine],
    counts: dict[str, Overhead],
    cold_ours: Overhead,
    delays: dict[str, tuple[list[float], list[float]]],
) -> bool:
    """Print the headline, the table, the counts, staleness and the targets; return whether all are met."""
    ok = True
    ours_request = _find(engines, OURS, "request")
    mget_request = _find(engines, OURS_MGET, "request")
    ddp_request = _find(engines, DDP, "request")
    assert ours_request and mget_request and ddp_request
    ratio = ddp_request.median / ours_request.median
    print(
        f"Per request: ours {ours_request.median:.1f} µs with tracking, {mget_request.median:.1f} µs with the MGET;"
        f" dynamic-preferences at its best (one MGET) {ddp_request.median:.1f} µs"
    )
    print(f"  ratio dynamic-preferences / ours: with tracking {_ratio_spread(ddp_request, ours_request)},")
    print(f"                                    with the MGET {_ratio_spread(ddp_request, mget_request)}")
    print()

    names = [engine.name for engine in engines]
    width = 26
    header = f"{'median µs [min-max]':<{width}}" + "".join(f"{name:>28}" for name in names)
    print(header)
    print("-" * len(header))
    for name in OPERATIONS:
        line = f"{name:<{width}}"
        for engine_name in names:
            operation = _find(engines, engine_name, name)
            cell = (
                f"{operation.median:.2f} [{min(operation.rounds):.1f}-{max(operation.rounds):.1f}]"
                if operation
                else "-"
            )
            line += f"{cell:>28}"
        print(line)
    print()
    print("Ratios, peer / ours (above 1: we are faster), median [range over the rounds]:")
    for name in OPERATIONS:
        base = _find(engines, OURS, name)
        if base is None:
            base = _find(engines, OURS, "request")
        assert base is not None
        cells = []
        for engine_name in names[2:]:
            peer = _find(engines, engine_name, COMPARED_WITH.get(name, name))
            if peer is not None:
                cells.append(f"{engine_name} {_ratio_spread(peer, base)}")
        print(f"  {name:<{width}}" + "; ".join(cells))
    print()
    for engine in engines:
        print(f"  {engine.name}: {engine.note}")
    print("  user read (inherited): a group default over an organisation default; peers: their warm read")
    print()
    print("Per request (state warm; ours: pin + 10 reads):")
    for name, count in counts.items():
        print(f"  {name:<28} {_describe(count)}")
    print(f"  {'ours, process cold':<28} {_describe(cold_ours)}")
    print()
    print("Staleness across processes (commit here -> the child process reads the new value), ms:")
    for name, (values, reloads) in delays.items():
        print(
            f"  {name:<28} p50 {percentile(values, 0.5):.3f}, p99 {percentile(values, 0.99):.3f},"
            f" max {max(values):.3f} over {len(values)} changes; of which the child's request that saw it"
            f" (tokens + reload) p50 {percentile(reloads, 0.5):.3f}, p99 {percentile(reloads, 0.99):.3f}"
        )
    print()

    passed = ratio >= TARGET_REQUEST_RATIO
    ok &= passed
    print(
        f"{_verdict(passed)}: per request {ratio:.1f}x lower than dynamic-preferences at its best"
        f" (target >= {TARGET_REQUEST_RATIO:.0f}x, tracking on)"
    )
    warm = _find(engines, OURS, "warm read")
    assert warm is not None
    for engine_name in names:
        if engine_name not in TARGETED_PEERS:
            continue
        peer = _find(engines, engine_name, "warm read")
        assert peer is not None
        warm_ratio = peer.median / warm.median
        passed = warm_ratio >= TARGET_WARM_RATIO
        ok &= passed
        target = f"target >= {TARGET_WARM_RATIO:.0f}x"
        print(f"{_verdict(passed)}: warm read {warm_ratio:.0f}x faster than {engine_name} ({target})")
    # Issue 15: inheritance costs nothing on warm reads - a user read through a group and an organisation
    # default still at least 100x the peer's warm read.
    inherited = _find(engines, OURS, "user read (inherited)")
    ddp_warm = _find(engines, DDP, "warm read")
    assert inherited is not None and ddp_warm is not None
    inherited_ratio = ddp_warm.median / inherited.median
    passed = inherited_ratio >= TARGET_WARM_RATIO
    ok &= passed
    print(
        f"{_verdict(passed)}: user read through inheritance {inherited_ratio:.0f}x faster than dynamic-preferences'"
        f" warm read (target >= {TARGET_WARM_RATIO:.0f}x)"
    )
    for name in (OURS, OURS_MGET):
        ours_counts = counts[name]
        round_trips = len(ours_counts.redis_commands)
        passed = round_trips <= TARGET_REDIS_ROUND_TRIPS and ours_counts.sql_queries <= TARGET_SQL_QUERIES
        ok &= passed
        print(
            f"{_verdict(passed)}: {name} per request {round_trips} Redis round trip(s) and"
            f" {ours_counts.sql_queries} SQL queries (target <= {TARGET_REDIS_ROUND_TRIPS} and {TARGET_SQL_QUERIES})"
        )
    p99 = percentile(delays[OURS][0], 0.99)
    passed = p99 <= TARGET_STALENESS_P99_MS
    ok &= passed
    print(f"{_verdict(passed)}: staleness p99 {p99:.3f} ms with tracking (target <= {TARGET_STALENESS_P99_MS:.0f} ms)")
    return ok


def _environment() -> str:
    import django
    from django.conf import settings
    from django.db import connection
    from django_redis import get_redis_connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (postgres,) = cursor.fetchone()
    redis_version = get_redis_connection("default").info("server")["redis_version"]
    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL {postgres}, "
        f"Redis {redis_version} ({settings.REDIS_URL}), database {settings.DATABASES['default']['NAME']}, "
        f"schema {connection.schema_name}, DEBUG {settings.DEBUG}, {platform.machine()} ({os.cpu_count()} CPUs)"
    )


def _load() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and samples (seconds, not a minute)")
    parser.add_argument("--staleness-child", choices=["on", "off"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    budget, budget_name = (QUICK, "quick") if args.quick else (FULL, "full")

    _django_setup()
    if args.staleness_child:
        return staleness_child(args.staleness_child == "on")
    _tenant_ensure()
    engines = [
        ours(tracking=True),
        ours(tracking=False),
        dynamic_preferences(),
        constance("constance.backends.redisd.RedisBackend", "constance (redis)"),
        constance("constance.backends.redisd.CachingRedisBackend", "constance (caching, info)"),
    ]
    seed()
    print(_environment())
    print(f"Budget {budget_name}; at start: {_load()}")
    print()
    started = time.monotonic()
    measure(engines, budget)
    counts = {engine.name: overhead(engine) for engine in engines}
    cold_ours = overhead(engines[0], cold=True)
    delays = {OURS: staleness(True, budget.changes), OURS_MGET: staleness(False, budget.changes)}
    _tracking(True)()
    seed()
    ok = report(engines, counts, cold_ours, delays)
    print(f"Took {time.monotonic() - started:.0f} s; at end: {_load()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
