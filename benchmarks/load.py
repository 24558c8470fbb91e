"""Load on the site's own gunicorn: req/s, p50/p99 and SQL queries per page, as ratios to a bare page.

Run from the repository root with the project's virtualenv (gunicorn from requirements.txt, `wrk` from
Debian's package):

    python benchmarks/load.py [--duration 5] [--connections 4]

It starts two private redis-servers (the cache, the broker), uses its own database (`portal_load` on the
server of DATABASE_URL, created and migrated if missing, with the tenant `load`, a member and an owner),
and gunicorn with 2 sync workers on them (DEBUG off, persistent connections). For each page wrk runs
`--duration` seconds, twice: with every service healthy, then with both Redis servers frozen (SIGSTOP).
wrk's timeout is the stall bound (2 s): a slower answer counts as an error, so "0 errors" while stalled
means the bound held under load. SQL queries per page are counted in this process (the same code, settings
and database), once per phase. Not a test: nothing here runs in CI.
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if p not in ("", str(Path(__file__).resolve().parent))]
sys.path.insert(0, str(ROOT))

TENANT = "load"
HOST = f"{TENANT}.localhost"
DATABASE = "portal_load"
STALL_BOUND_SECONDS = 2
WORKERS = 2
PASSWORD = "load-pass-123"  # a throw-away benchmark database's users
BARE = "/__bare__"
# (name, path, who): who is None (anonymous), "member" or "owner".
PAGES: list[tuple[str, str, str | None]] = [
    ("bare (no Django, no database, no Redis)", BARE, None),
    ("login page", "/accounts/login/", None),
    ("member's preferences", "/preferences/", "member"),
    ("member's notification matrix", "/preferences/notifications/", "member"),
    ("owner's lists", "/owner/lists/", "owner"),
]


@dataclass(frozen=True)
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    queries: int | None


def _environment(cache_url: str, broker_url: str) -> dict[str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal").rsplit("/", 1)[0]
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"{base}/{DATABASE}",
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": cache_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": "portal-load",
        "DJANGO_LOG_LEVEL": "ERROR",
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",  # static files come from the finders here
    }


def _database_ensure(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}; migrating it (a minute or two).")


def _site_ensure() -> dict[str, str]:
    """Migrate, provision the tenant and its two people if missing; return each one's session cookie."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from apps.accounts.services import member_create
    from apps.lov.services import lov_defaults_sync_all
    from apps.tenants.models import Tenant
    from apps.tenants.services import public_tenant_ensure, tenant_create, tenant_provision

    connection.set_schema_to_public()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    public_tenant_ensure()
    lov_defaults_sync_all()
    tenant = Tenant.objects.filter(schema_name=TENANT).first() or tenant_create(name="Load", subdomain=TENANT)
    tenant_provision(tenant)
    cookies = {}
    with schema_context(TENANT):
        from django.contrib.auth import get_user_model

        for who, owner in (("member", False), ("owner", True)):
            user = get_user_model().objects.filter(username=who).first()
            if user is None:
                user = member_create(username=who, email=f"{who}@example.com", password=PASSWORD, is_owner=owner)
            client = Client(HTTP_HOST=HOST)
            client.force_login(user)
            cookies[who] = client.cookies["sessionid"].value
    connection.set_schema_to_public()
    return cookies


def _queries(path: str, cookie: str | None) -> int:
    """Return how many SQL queries the page takes in this process (the second request: caches are warm)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    if cookie:
        client.cookies["sessionid"] = cookie
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    connection.set_schema_to_public()
    if status != 200:
        raise RuntimeError(f"{path} answered {status} in the benchmark process")
    return len(captured)


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wrk(port: int, path: str, cookie: str | None, *, duration: int, connections: int) -> Run:
    command = [
        "wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency",
        f"--timeout={STALL_BOUND_SECONDS}s", "-H", f"Host: {HOST}", f"http://127.0.0.1:{port}{path}",
    ]  # fmt: skip
    if cookie:
        command[-1:-1] = ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors += sum(int(n) for n in socket.groups()) if socket else 0
    return Run(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_milliseconds(re.search(r"\s50%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        p99_ms=_milliseconds(re.search(r"\s99%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        errors=errors,
        queries=None,
    )


def _phase(port: int, cookies: dict[str, str], *, duration: int, connections: int) -> dict[str, Run]:
    runs = {}
    for name, path, who in PAGES:
        cookie = cookies[who] if who else None
        run = _wrk(port, path, cookie, duration=duration, connections=connections)
        queries = 0 if path == BARE else _queries(path, cookie)
        runs[name] = Run(run.requests_per_second, run.p50_ms, run.p99_ms, run.errors, queries)
    return runs


def _report(title: str, runs: dict[str, Run]) -> None:
    bare = runs[PAGES[0][0]]
    print(f"\n{title}\n")
    print("| page | req/s | vs bare | p50 ms | vs bare | p99 ms | vs bare | SQL queries | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, run in runs.items():
        print(
            f"| {name} | {run.requests_per_second:.0f} | {run.requests_per_second / bare.requests_per_second:.3f} "
            f"| {run.p50_ms:.1f} | {run.p50_ms / bare.p50_ms:.0f} | {run.p99_ms:.1f} | {run.p99_ms / bare.p99_ms:.0f} "
            f"| {run.queries} | {run.errors} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per page and phase")
    parser.add_argument("--connections", type=int, default=4, help="wrk's open connections")
    args = parser.parse_args(argv)

    from tests.support.processes import free_port, stop_process, wait_until
    from tests.support.redis import PrivateRedis

    scratch = Path(tempfile.mkdtemp(prefix="portal-load-"))
    cache, broker = PrivateRedis(scratch / "cache"), PrivateRedis(scratch / "broker")
    cache.start()
    broker.start()
    gunicorn: Any = None
    try:
        env = _environment(cache.url(0), broker.url(0))
        os.environ.update(env)
        _database_ensure(env["DATABASE_URL"])
        import django

        django.setup()
        cookies = _site_ensure()
        port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "benchmarks.load_wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS), "--timeout", "30",
        ]  # fmt: skip
        log = (scratch / "gunicorn.log").open("wb")
        gunicorn = subprocess.Popen(command, cwd=ROOT, env={**os.environ}, stdout=log, stderr=subprocess.STDOUT)

        def answers() -> bool:
            result = subprocess.run(["curl", "-sf", f"http://127.0.0.1:{port}{BARE}"], capture_output=True)
            return result.returncode == 0

        wait_until(answers, what="gunicorn to answer", timeout=60, every=0.2)
        for _, path, who in PAGES:  # each worker loads its templates before anything is measured
            _wrk(port, path, cookies[who] if who else None, duration=1, connections=WORKERS)

        healthy = _phase(port, cookies, duration=args.duration, connections=args.connections)
        cache.freeze()
        broker.freeze()
        try:
            stalled = _phase(port, cookies, duration=args.duration, connections=args.connections)
        finally:
            cache.thaw()
            broker.thaw()
    finally:
        if gunicorn is not None:
            stop_process(gunicorn)
        cache.stop()
        broker.stop()
        shutil.rmtree(scratch, ignore_errors=True)

    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"{platform.node()}, {os.cpu_count()} cores, gunicorn {WORKERS} sync workers, wrk -c{args.connections} "
          f"-d{args.duration}s --timeout {STALL_BOUND_SECONDS}s; {load}")  # fmt: skip
    _report("Every service healthy", healthy)
    _report("Cache Redis and broker stalled (SIGSTOP)", stalled)
    failed = any(run.errors for run in (*healthy.values(), *stalled.values()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
