"""Many tenants on one PostgreSQL: provisioning, a no-op deploy migrate, the beat sweep, req/s, memory, backups.

Run from the repository root with the project's virtualenv (gunicorn from requirements.txt, `wrk` and
`pg_dump` from Debian's packages):

    python benchmarks/tenants.py [--tenants 1000] [--duration 5]

It uses its own database (`portal_tenants_bench` on the server of DATABASE_URL, created if missing; never the
development site's) and its own redis-server. Tenants `t0000`… are provisioned by cloning the template schema
until there are `--tenants` of them (a second run reuses them). Each figure is printed with its extrapolation
to 10,000 tenants and a PASS/FAIL line for the issue's targets. Not a test: nothing here runs in CI. It holds
at most a few connections to PostgreSQL (gunicorn's 2 workers, this process, one pg_dump).
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if p not in ("", str(Path(__file__).resolve().parent))]
sys.path.insert(0, str(ROOT))

DATABASE = "portal_tenants_bench"
TARGET_TENANTS = 10_000
WORKERS = 2
PROVISION_TARGET_SECONDS = 0.3
MIGRATE_TARGET_SECONDS = 60.0
SWEEP_PERIOD_SECONDS = 60.0
results: list[tuple[str, bool]] = []


def _verdict(name: str, ok: bool) -> None:
    results.append((name, ok))
    print(f"{'PASS' if ok else 'FAIL'}: {name}")


def _environment(cache_url: str, database: str = DATABASE) -> dict[str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal").rsplit("/", 1)[0]
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"{base}/{database}",
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": cache_url,
        "CELERY_BROKER_URL": cache_url.rsplit("/", 1)[0] + "/1",
        "CELERY_RESULT_BACKEND": cache_url.rsplit("/", 1)[0] + "/2",
        "CELERY_TASK_DEFAULT_QUEUE": "portal-tenants-bench",
        "DJANGO_LOG_LEVEL": "ERROR",
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
    }


def _database_ensure(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _manage(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def _site_ensure() -> None:
    _manage("migrate_schemas", "--shared")
    _manage("ensure_public_tenant")
    _manage("tenant_template")


def provisioning(count: int) -> list[str]:
    """Provision tenants t0000… by cloning until there are `count`; time both ways on a few."""
    from django.core.management import call_command
    from django.db import connection

    from apps.tenants.models import Tenant
    from apps.tenants.services import _drop_schema, tenant_create, tenant_provision

    print("\n## Provisioning")
    migrated = []
    for index in range(3):  # the old way: an empty schema, then every migration
        schema = f"bench_migrated_{index}"
        _drop_schema(schema)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {schema}")
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
        migrated.append(time.perf_counter() - started)
        connection.set_schema_to_public()
        _drop_schema(schema)
    existing = set(Tenant.objects.filter(schema_name__startswith="t").values_list("schema_name", flat=True))
    cloned = []
    for index in range(count):
        subdomain = f"t{index:04d}"
        if subdomain in existing:
            continue
        started = time.perf_counter()
        tenant_provision(tenant_create(name=f"Tenant {index}", subdomain=subdomain))
        cloned.append(time.perf_counter() - started)
        if len(cloned) % 100 == 0:
            print(f"  … {len(cloned)} provisioned, median {statistics.median(cloned):.3f} s", flush=True)
    print(f"schema by migrations (3 runs): median {statistics.median(migrated):.2f} s per tenant (no seeding)")
    if cloned:
        cloned.sort()
        p90 = cloned[int(len(cloned) * 0.9) - 1] if len(cloned) >= 10 else cloned[-1]
        print(
            f"provisioning by clone, seeds included ({len(cloned)} new): median {statistics.median(cloned):.3f} s, "
            f"p90 {p90:.3f} s; 10,000 tenants: {statistics.median(cloned) * TARGET_TENANTS / 60:.0f} min of one worker"
        )
        _verdict(
            f"provisioning ≤ {PROVISION_TARGET_SECONDS} s per tenant",
            statistics.median(cloned) <= PROVISION_TARGET_SECONDS,
        )
    else:
        print("provisioning by clone: every tenant existed already (run with more --tenants to time it)")
    return sorted(Tenant.objects.filter(schema_name__startswith="t").values_list("schema_name", flat=True))[:count]


def provisioning_profile(subdomain: str = "profiled") -> None:
    """Provision one tenant (by clone, with an owner) and print the time of each of its steps."""
    from contextlib import contextmanager
    from unittest import mock

    from django.db import connection

    from apps.tenants import services, template
    from apps.tenants.models import Tenant
    from apps.tenants.signals import tenant_ready

    steps: dict[str, float] = {}

    @contextmanager
    def timed(name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            steps[name] = steps.get(name, 0.0) + time.perf_counter() - started

    def wrapped(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with timed(name):
                return function(*args, **kwargs)

        return call

    def send_timed(sender: Any, **named: Any) -> list[tuple[Any, Any]]:
        # As Signal.send, receiver by receiver (all of this signal's are synchronous).
        answers = []
        for receiver in tenant_ready._live_receivers(sender)[0]:
            label = f"tenant_ready: {receiver.__module__}.{receiver.__qualname__}"
            with timed(label):
                answers.append((receiver, receiver(signal=tenant_ready, sender=sender, **named)))
        return answers

    existing = Tenant.objects.filter(schema_name=subdomain).first()
    if existing is not None:
        existing.delete()
        services._drop_schema(subdomain)
    owner = services.OwnerAccount(username="owner", email="owner@example.com", password_hash="!unusable")
    patches = [
        mock.patch.object(services, name, wrapped(label, getattr(services, name)))
        for name, label in (
            ("_drop_schema", "drop a leftover schema"),
            ("_tenant_migration_count", "count the migrations (progress)"),
            ("_set_progress", "progress updates"),
            ("_event", "audit events"),
            ("schemas_behind", "check the clone is current"),
            ("template_clone", "clone the template (script fetched and run)"),
        )
    ]
    patches += [
        mock.patch.object(
            template, "template_script", wrapped("  of which: fetch the script", template.template_script)
        ),
        mock.patch.object(tenant_ready, "send", send_timed),
    ]
    for patch in patches:
        patch.start()
    try:
        with timed("create the tenant and its domain (+ lookup token bump)"):
            tenant = services.tenant_create(name="Profiled", subdomain=subdomain)
        with timed("tenant_provision, in all"):
            services.tenant_provision(tenant, owner=owner)
    finally:
        for patch in reversed(patches):
            patch.stop()
        connection.set_schema_to_public()  # type: ignore[attr-defined]
    print("\n## Provisioning, step by step (one tenant, by clone, with an owner)")
    for name, seconds in steps.items():
        print(f"{seconds * 1000:8.1f} ms  {name}")


def noop_migrate(schemas: list[str]) -> None:
    from django.core.management import call_command

    from apps.tenants.migration_state import schemas_behind

    print("\n## A deploy with nothing to migrate")
    started = time.perf_counter()
    behind = schemas_behind(schemas)
    check = time.perf_counter() - started
    whole = _manage("migrate_tenants", "--verbosity-migrate", "0")
    # What grows with the tenants is the check (one statement per 2,000 schemas); the rest (Django's start-up,
    # loading the migration graph, the tenants' list) is fixed or nearly.
    estimate = whole + check / len(schemas) * (TARGET_TENANTS - len(schemas))
    old = []
    for schema in schemas[:5]:
        started = time.perf_counter()
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
        old.append(time.perf_counter() - started)
    old_each = statistics.median(old)
    print(f"schemas behind: {len(behind)} of {len(schemas)}; the one-query check took {check:.3f} s")
    print(f"`manage.py migrate_tenants` (no-op, process start included): {whole:.2f} s at {len(schemas)} tenants")
    print(f"  extrapolated to 10,000 tenants: {estimate:.1f} s")
    print(
        f"before (migrate_schemas on each schema): {old_each:.2f} s per tenant, "
        f"{old_each * TARGET_TENANTS / 60:.0f} min"
    )
    _verdict(
        f"no-op deploy migrate at 10,000 tenants ≤ {MIGRATE_TARGET_SECONDS:.0f} s", estimate <= MIGRATE_TARGET_SECONDS
    )


def beat_sweep(schemas: list[str]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    from apps.notifications.services import deliveries_requeue_stale
    from apps.notifications.tasks import requeue_stale_deliveries
    from apps.tenants.sweep import schemas_with_rows

    print("\n## The beat sweep (stale notification deliveries, every minute)")
    connection.set_schema_to_public()
    requeue_stale_deliveries()
    runs, one_schema = [], []
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            requeue_stale_deliveries()
            runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        schemas_with_rows(schemas[:1], "notifications_delivery", "status = 'pending'")
        one_schema.append(time.perf_counter() - started)
        started = time.perf_counter()
        schemas_with_rows(schemas, "notifications_delivery", "status = 'pending'")
        one_schema[-1] = (time.perf_counter() - started - one_schema[-1]) / max(len(schemas) - 1, 1)
    sweep, slope = statistics.median(runs), max(statistics.median(one_schema), 0.0)
    started = time.perf_counter()
    for schema in schemas[:100]:  # the old sweep: every schema visited
        with schema_context(schema):
            deliveries_requeue_stale()
    old_each = (time.perf_counter() - started) / min(100, len(schemas))
    print(
        f"sweep with nothing due: {sweep * 1000:.0f} ms, {len(captured)} SQL statements at {len(schemas)} tenants "
        f"(visited before: {old_each * 1000:.1f} ms per schema)"
    )
    estimate = sweep + slope * (TARGET_TENANTS - len(schemas))
    print(
        f"  extrapolated to 10,000 tenants: {estimate:.2f} s of every {SWEEP_PERIOD_SECONDS:.0f} s "
        f"(before: {old_each * TARGET_TENANTS:.0f} s)"
    )
    _verdict("beat sweep at 10,000 tenants ≤ 10 % of its period", estimate <= SWEEP_PERIOD_SECONDS * 0.1)


def _rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _backends_anon_kib() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        pids = [row[0] for row in cursor.fetchall()]
    # Private memory of each backend (its catalog caches grow with the schemas it has seen), when on this host.
    return [_rss_kib(pid, "RssAnon") for pid in pids if Path(f"/proc/{pid}").exists()]


def _wrk(port: int, hosts: list[str], duration: int) -> float:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    listed = ", ".join(f'"{host}"' for host in hosts)
    script.write_text(
        f"local hosts = {{{listed}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #hosts + 1\n  wrk.headers['Host'] = hosts[i]\n"
        "  return wrk.format('GET', '/accounts/login/')\nend\n"
    )
    out = subprocess.run(
        ["wrk", "-t2", "-c4", f"-d{duration}s", "-s", str(script), f"http://127.0.0.1:{port}/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    script.unlink()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        print(f"  ({errors.group(1)} responses were not 2xx/3xx)")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def requests_and_memory(schemas: list[str], duration: int) -> None:
    from django.conf import settings

    from tests.support.processes import free_port, stop_process, wait_until

    print(f"\n## Requests/s: one tenant vs spread over {len(schemas)} (the login page, gunicorn {WORKERS} workers)")
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(WORKERS), "--timeout", "60"]  # fmt: skip
    gunicorn = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        host = f"{schemas[0]}.{settings.PORTAL_BASE_DOMAIN}"

        def answers() -> bool:
            probe = subprocess.run(
                ["curl", "-sf", "-H", f"Host: {host}", f"http://127.0.0.1:{port}/accounts/login/"], capture_output=True
            )
            return probe.returncode == 0

        wait_until(answers, what="gunicorn to answer", timeout=60, every=0.2)
        _wrk(port, [host], 1)
        one = _wrk(port, [host], duration)
        rss_one = [_rss_kib(pid) for pid in _children(gunicorn.pid)]
        backends_one = _backends_anon_kib()
        hosts = [f"{schema}.{settings.PORTAL_BASE_DOMAIN}" for schema in schemas]
        _wrk(port, hosts, max(duration, len(hosts) // 200))  # every tenant seen once by each worker, about
        spread = _wrk(port, hosts, duration)
        rss_spread = [_rss_kib(pid) for pid in _children(gunicorn.pid)]
        backends_spread = _backends_anon_kib()
    finally:
        stop_process(gunicorn)
    print(f"one tenant: {one:.0f} req/s; spread over {len(schemas)}: {spread:.0f} req/s ({spread / one:.2f}x)")
    _verdict("req/s spread over every tenant ≥ 0.8x one tenant's", spread >= 0.8 * one)
    mib = lambda values: "/".join(f"{value / 1024:.0f}" for value in values) or "n/a"  # noqa: E731
    print(f"gunicorn worker RSS, MiB: {mib(rss_one)} after one tenant, {mib(rss_spread)} after {len(schemas)}")
    print(
        f"PostgreSQL backend private memory (RssAnon), MiB: {mib(backends_one)} after one, "
        f"{mib(backends_spread)} after {len(schemas)}"
    )
    if backends_spread and backends_one:
        grow = (max(backends_spread) - max(backends_one)) / len(schemas)
        print(f"  per tenant seen: {grow:.1f} KiB per backend; extrapolated to 10,000 tenants: "
              f"{(max(backends_one) + grow * TARGET_TENANTS) / 1024:.0f} MiB per backend")  # fmt: skip
    if rss_spread and rss_one:
        grow_worker = (max(rss_spread) - max(rss_one)) / len(schemas)
        print(
            f"  worker per tenant seen: {grow_worker:.1f} KiB; "
            f"at 10,000: {(max(rss_one) + grow_worker * TARGET_TENANTS) / 1024:.0f} MiB"
        )


def backups(schemas: list[str]) -> None:
    from django.db import connection

    print("\n## Backups")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%%'"
        )
        relations = cursor.fetchone()[0]
        cursor.execute(
            "SELECT current_setting('max_locks_per_transaction')::int, current_setting('max_connections')::int, "
            "current_setting('max_prepared_transactions')::int"
        )
        per_transaction, connections, prepared = cursor.fetchone()
    slots = per_transaction * (connections + prepared)
    needed = (relations + connections) // (connections + prepared) + 1
    print(
        f"a whole-database pg_dump locks {relations} relations; the lock table holds {slots} "
        f"(max_locks_per_transaction {per_transaction} x "
        f"(max_connections {connections} + max_prepared {prepared}))"
    )
    print(
        f"  needed: max_locks_per_transaction ≥ {needed} here; "
        f"at 10,000 tenants ≈ {relations * TARGET_TENANTS // max(len(schemas), 1) // connections + 1}"
    )
    _verdict("a whole-database pg_dump fits the lock table as configured", relations < slots)
    times = []
    dump = Path(tempfile.mkdtemp(prefix="portal-dump-")) / "schema.dump"
    for schema in schemas[:5]:
        started = time.perf_counter()
        subprocess.run(
            [
                "pg_dump",
                "--schema",
                schema,
                "--format",
                "custom",
                "--no-sync",
                "--file",
                str(dump),
                os.environ["DATABASE_URL"],
            ],
            check=True,
        )
        times.append(time.perf_counter() - started)
    each = statistics.median(times)
    print(
        f"per-schema pg_dump (custom format): {each:.2f} s per tenant; "
        f"10,000 one after another: {each * TARGET_TENANTS / 60:.0f} min, or a quarter of that 4 at once"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per run")
    parser.add_argument("--profile", action="store_true", help="time each step of one tenant's provisioning first")
    parser.add_argument(
        "--provisioning-only", action="store_true", help="stop after provisioning (no migrate, sweep, wrk, backups)"
    )
    parser.add_argument("--database", default=DATABASE, help=f"the benchmark's own database (default {DATABASE})")
    args = parser.parse_args(argv)

    from tests.support.redis import PrivateRedis

    scratch = Path(tempfile.mkdtemp(prefix="portal-tenants-bench-"))
    cache = PrivateRedis(scratch / "redis")
    cache.start()
    try:
        os.environ.update(_environment(cache.url(0), args.database))
        _database_ensure(os.environ["DATABASE_URL"])
        _site_ensure()
        import django

        django.setup()
        print(f"# benchmarks/tenants.py on {platform.node()} ({os.cpu_count()} CPUs); {os.getloadavg()[0]:.2f} load")
        print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        schemas = provisioning(args.tenants)
        if args.profile:
            provisioning_profile()  # after the others, so a warm worker is timed
        if not args.provisioning_only:
            noop_migrate(schemas)
            beat_sweep(schemas)
            requests_and_memory(schemas, args.duration)
            backups(schemas)
        print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    finally:
        cache.stop()
    failed = [name for name, ok in results if not ok]
    print(f"\n{len(results) - len(failed)} of {len(results)} targets met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
