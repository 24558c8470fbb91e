"""Compare the preferences engine with django-dynamic-preferences and django-constance, in one run.

Run from the repository root with the benchmark virtualenv (see benchmarks/README.md):

    .venv-bench/bin/python benchmarks/preferences.py [--quick]

All engines run in one process against the same PostgreSQL (database portal_bench, tenant schema "bench")
and the same Redis. For each engine it times warm reads, cold reads, writes, reading every key, and one
request's worth of reads; it counts our per-request Redis round trips and SQL queries, prints the medians
with the ratios (peer time / our time), and a PASS/FAIL line per target. Exit status 1 when a target fails.
"""

import argparse
import gc
import itertools
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "benchmarks.settings_preferences"
TENANT_NAME = "Benchmark"
TENANT_SUBDOMAIN = "bench"

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

TARGET_WARM_RATIO = 100.0
TARGET_REDIS_ROUND_TRIPS = 1
TARGET_SQL_QUERIES = 0


@dataclass(frozen=True)
class Budget:
    """How long to measure: rounds of batched calls for fast operations, single samples for slow ones."""

    round_seconds: float  # a batched round lasts at least this long
    rounds: int
    samples: int  # individually timed calls, for operations with an untimed setup step
    warmup: int


FULL = Budget(round_seconds=0.05, rounds=15, samples=300, warmup=20)
QUICK = Budget(round_seconds=0.01, rounds=5, samples=40, warmup=5)


@dataclass
class Engine:
    """One engine's way of doing each measured operation; `session` models a request around warm reads."""

    name: str
    read: Callable[[], Any]
    make_cold: Callable[[], None]
    cold_read: Callable[[], Any]
    write: Callable[[Any], None]
    read_all: Callable[[], dict[str, Any]]
    request: Callable[[], None]
    session: Callable[[], AbstractContextManager[Any]] = nullcontext
    note: str = ""
    redis_client: Any = None  # a client of its own, besides the Django cache's
    results: dict[str, float] = field(default_factory=dict)


# --- bootstrapping -------------------------------------------------------------------------------------


def _django_setup() -> None:
    """Point Django at the benchmark settings (run as a script, sys.path starts at benchmarks/)."""
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if p not in ("", here)]
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    _database_ensure()
    import django

    django.setup()
    # The peers' declarations of our four global preferences (registered on import).
    import benchmarks.dynamic_preferences_registry  # noqa: F401


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


# --- counting Redis commands ---------------------------------------------------------------------------


@contextmanager
def redis_commands_counted(*clients: Any) -> Iterator[list[str]]:
    """Record the name of every command the given redis-py clients send (each one is a round trip)."""
    commands: list[str] = []
    for client in clients:
        original = client.execute_command

        def counting(*args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            commands.append(str(args[0]))
            return _original(*args, **kwargs)

        client.execute_command = counting  # an instance attribute shadows the method
    try:
        yield commands
    finally:
        for client in clients:
            del client.execute_command


# --- timing --------------------------------------------------------------------------------------------


def _batch(fn: Callable[[], Any], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return time.perf_counter() - start


def median_batched(fn: Callable[[], Any], budget: Budget) -> float:
    """Return the median time of one call, in µs, over rounds of as many calls as fill a round."""
    for _ in range(budget.warmup):
        fn()
    number = 1
    while _batch(fn, number) < budget.round_seconds:
        number *= 2
    rounds = [_batch(fn, number) / number for _ in range(budget.rounds)]
    return statistics.median(rounds) * 1e6


def median_single(setup: Callable[[], Any], fn: Callable[[], Any], budget: Budget) -> float:
    """Return the median time of one call, in µs, each call timed alone after an untimed setup."""
    for _ in range(budget.warmup):
        setup()
        fn()
    samples = []
    for _ in range(budget.samples):
        setup()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def measure(engine: Engine, budget: Budget) -> None:
    """Time every operation of one engine; garbage collection is off while timing, as timeit does."""
    values = itertools.count()
    gc.disable()
    try:
        with engine.session():
            engine.read()  # warm whatever the engine caches
            engine.results["warm read"] = median_batched(engine.read, budget)
            engine.results["all keys"] = median_batched(engine.read_all, budget)
        engine.results["request (10 reads)"] = median_batched(engine.request, budget)
        engine.results["cold read"] = median_single(engine.make_cold, engine.cold_read, budget)
        engine.results["write"] = median_single(
            lambda: None, lambda: engine.write(f"Benchmark portal {next(values)}"), budget
        )
    finally:
        gc.enable()
        engine.write(SEED_VALUES[KEY])


# --- the three engines ---------------------------------------------------------------------------------


def ours() -> Engine:
    """Our engine: the tenant's snapshot, pinned as PreferencesMiddleware does for a request."""
    from apps.preferences import cache
    from apps.preferences.registries import global_preferences_registry

    manager = global_preferences_registry.manager()
    keys = list(CONSTANCE_KEYS)

    def request() -> None:
        with cache.snapshots_pinned():
            for key in itertools.islice(itertools.cycle(keys), READS_PER_REQUEST):
                manager[key]

    def cold_read() -> None:
        with cache.snapshots_pinned():
            manager[KEY]

    def write(value: Any) -> None:
        manager[KEY] = value

    return Engine(
        name="ours",
        read=lambda: manager[KEY],
        make_cold=cache.clear_local,
        cold_read=cold_read,
        write=write,
        read_all=manager.all,
        request=request,
        session=cache.snapshots_pinned,
        note="warm: inside snapshots_pinned(); cold: clear_local(), then pin + read; request: pin + 10 reads",
    )


def dynamic_preferences() -> Engine:
    """django-dynamic-preferences: its global manager, cached per key in the Django cache (django-redis)."""
    from django.core.cache import caches
    from dynamic_preferences.registries import global_preferences_registry
    from dynamic_preferences.settings import preferences_settings

    manager = global_preferences_registry.manager()
    section, name = KEY.split("__")
    cache_key = manager.get_cache_key(section, name)
    keys = list(CONSTANCE_KEYS)

    def request() -> None:
        for key in itertools.islice(itertools.cycle(keys), READS_PER_REQUEST):
            manager[key]

    def write(value: Any) -> None:
        manager[KEY] = value

    return Engine(
        name="dynamic-preferences",
        read=lambda: manager[KEY],
        make_cold=lambda: caches[preferences_settings.CACHE_NAME].delete(cache_key),
        cold_read=lambda: manager[KEY],
        write=write,
        read_all=manager.all,
        request=request,
        note="cold: its cache entry deleted, then read (cache miss, query, cache set)",
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

    def request() -> None:
        for attr in itertools.islice(itertools.cycle(attributes), READS_PER_REQUEST):
            getattr(config, attr)

    def write(value: Any) -> None:
        setattr(config, attribute, value)

    return Engine(
        name=name,
        read=lambda: getattr(config, attribute),
        make_cold=local_cache.clear if local_cache is not None else (lambda: None),
        cold_read=lambda: getattr(config, attribute),
        # What constance.utils.get_values() does, on this Config's backend.
        read_all=lambda: {**defaults, **config._backend.mget(list(defaults))},
        write=write,
        request=request,
        redis_client=config._backend._rd,
        note=(
            "in-process cache, cleared for cold reads; values stale for up to its timeout in other processes"
            if local_cache is not None
            else "every read is a Redis GET: cold = warm"
        ),
    )


def user_inheritance(budget: Budget) -> tuple[float, "Overhead"]:
    """Time a warm read of a user preference inherited from a group (the organisation sets one too).

    Return the median µs and one request's overhead: pin, a fresh user object (its values and its groups'
    defaults load in one query, as every request's do), then 10 reads.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_redis import get_redis_connection

    from apps.preferences import cache
    from apps.preferences.registries import user_preferences_registry
    from apps.preferences.services import preferences_set

    key = "appearance__items_per_page"
    group, _ = Group.objects.get_or_create(name="Bench group")
    user, _ = get_user_model().objects.get_or_create(username="bench-user")
    user.groups.add(group)
    preferences_set(store=user_preferences_registry.organisation_defaults_store(), values={key: 40})
    preferences_set(store=user_preferences_registry.group_defaults_store(group), values={key: 60})
    with cache.snapshots_pinned():
        manager = get_user_model().objects.get(pk=user.pk).preferences
        assert manager[key] == 60
        median = median_batched(lambda: manager[key], budget)

    def request() -> None:
        with cache.snapshots_pinned():
            fresh = get_user_model()(pk=user.pk)  # a request's user object: no values loaded yet
            for _ in range(READS_PER_REQUEST):
                fresh.preferences[key]

    request()
    with redis_commands_counted(get_redis_connection("default")) as commands, CaptureQueriesContext(connection) as q:
        request()
    return median, Overhead(redis_commands=commands, sql_queries=len(q.captured_queries))


def seed(engines: list[Engine]) -> None:
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
    for engine in engines:
        assert engine.read() == SEED_VALUES[KEY], engine.name


# --- per-request overhead ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overhead:
    redis_commands: list[str]
    sql_queries: int


def overhead(engine: Engine, *, cold: bool = False) -> Overhead:
    """Count the Redis commands and SQL queries of one request's reads (for ours: pin + 10 reads)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_redis import get_redis_connection

    clients = [get_redis_connection("default")]
    if engine.redis_client is not None:
        clients.append(engine.redis_client)
    if cold:
        engine.make_cold()
    else:
        engine.request()  # make sure the snapshot or cache is current
    with redis_commands_counted(*clients) as commands, CaptureQueriesContext(connection) as queries:
        engine.request()
    return Overhead(redis_commands=commands, sql_queries=len(queries.captured_queries))


# --- report --------------------------------------------------------------------------------------------


OPERATIONS = ["warm read", "cold read", "write", "all keys", "request (10 reads)"]


def _describe(counts: Overhead) -> str:
    names = ", ".join(f"{count}x {name}" for name, count in _tally(counts.redis_commands)) or "none"
    return f"{len(counts.redis_commands)} Redis round trip(s) ({names}), {counts.sql_queries} SQL queries"


def _tally(commands: list[str]) -> list[tuple[str, int]]:
    return [(name, commands.count(name)) for name in dict.fromkeys(commands)]


def report(
    engines: list[Engine],
    budget_name: str,
    counts: dict[str, Overhead],
    cold_ours: Overhead,
    user_row: tuple[float, Overhead] | None = None,
) -> bool:
    """Print the table, the counts and the targets; return whether every target is met."""
    ours_engine, *peers = engines
    width = 22
    header = f"{'operation (median µs)':<{width}}" + f"{ours_engine.name:>12}"
    for peer in peers:
        header += f"{peer.name:>28}{'ratio':>9}"
    print(header)
    print("-" * len(header))
    for operation in OPERATIONS:
        base = ours_engine.results[operation]
        line = f"{operation:<{width}}{base:>12.2f}"
        for peer in peers:
            value = peer.results[operation]
            line += f"{value:>28.2f}{value / base:>8.1f}x"
        print(line)
    if user_row is not None:
        # Not a peer comparison of the same operation: the peers have no inheritance; compared with their warm read.
        base = user_row[0]
        line = f"{'user read (inherited)':<{width}}{base:>12.2f}"
        for peer in peers:
            value = peer.results["warm read"]
            line += f"{value:>28.2f}{value / base:>8.1f}x"
        print(line)
    print()
    for engine in engines:
        print(f"  {engine.name}: {engine.note}")
    if user_row is not None:
        print("  user read (inherited): a group default over an organisation default, vs the peers' warm read")
    print()
    print("Per request (10 reads of the 4 keys, state warm):")
    for name, count in counts.items():
        print(f"  {name:<28} {_describe(count)}")
    print(f"  {'ours, process cold':<28} {_describe(cold_ours)}")
    if user_row is not None:
        # The one query is the user's own values (with their groups' defaults), which every request reads anyway.
        print(f"  {'ours, user (inherited)':<28} {_describe(user_row[1])} (the user's values: one query)")
    print()

    ok = True
    warm = ours_engine.results["warm read"]
    targeted = [peer for peer in peers if peer.name in TARGETED_PEERS]
    for peer in targeted:
        ratio = peer.results["warm read"] / warm
        passed = ratio >= TARGET_WARM_RATIO
        ok &= passed
        verdict = "PASS" if passed else "FAIL"
        print(f"{verdict}: warm read {ratio:.0f}x faster than {peer.name} (target >= {TARGET_WARM_RATIO:.0f}x)")
    ours_counts = counts[ours_engine.name]
    round_trips = len(ours_counts.redis_commands)
    passed = round_trips <= TARGET_REDIS_ROUND_TRIPS and ours_counts.sql_queries <= TARGET_SQL_QUERIES
    ok &= passed
    print(
        f"{'PASS' if passed else 'FAIL'}: per-request overhead {round_trips} Redis round trip(s) and "
        f"{ours_counts.sql_queries} SQL queries (target <= {TARGET_REDIS_ROUND_TRIPS} and "
        f"{TARGET_SQL_QUERIES})"
    )
    print(f"Budget: {budget_name}")
    return ok


TARGETED_PEERS = {"dynamic-preferences", "constance (redis)"}


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
        f"Redis {redis_version}, database {settings.DATABASES['default']['NAME']}, "
        f"schema {connection.schema_name}, {platform.machine()} ({os.cpu_count()} CPUs)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and samples (seconds, not a minute)")
    args = parser.parse_args(argv)
    budget, budget_name = (QUICK, "quick") if args.quick else (FULL, "full")

    _django_setup()
    _tenant_ensure()
    engines = [
        ours(),
        dynamic_preferences(),
        constance("constance.backends.redisd.RedisBackend", "constance (redis)"),
        constance("constance.backends.redisd.CachingRedisBackend", "constance (caching, info)"),
    ]
    seed(engines)
    print(_environment())
    print()
    for engine in engines:
        measure(engine, budget)
    counts = {engine.name: overhead(engine) for engine in engines}
    cold_ours = overhead(engines[0], cold=True)
    user_row = user_inheritance(budget)
    return 0 if report(engines, budget_name, counts, cold_ours, user_row) else 1


if __name__ == "__main__":
    sys.exit(main())
