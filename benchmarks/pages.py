"""Page speed on the site's own gunicorn, as ratios to a bare Django view measured in the same run.

Run from the repository root with the project's virtualenv (gunicorn from requirements.txt, `wrk` from
Debian's package):

    python benchmarks/pages.py [--duration 5] [--connections 4] [--rounds 2]

It uses benchmarks/load.py's setup: two private redis-servers, its own database (`PAGES_DATABASE`,
default `portal_pages`, created and migrated if missing) with the tenant `load` (a member, an owner), plus
the tenant `load200`; `load` has 10 custom job titles and `load200` has 200, so the owners' job-titles page
is measured at both sizes. gunicorn runs 2 sync workers with DEBUG off and persistent connections. Pages are
measured round by round (each round runs every page once, `--duration` seconds each) so load that comes and
goes hits them alike; the best round of each page is reported. Targets (issue 14): member /preferences/ and
the notification matrix at least 0.40x the requests/s of the bare view behind the site's middleware (the
bare Django view with no middleware is printed too); the job-titles page with 200
values within 1.5x of it with 10 (its req/s at least 1/1.5 of the small one's). Exit status 1 on a miss.
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if p not in ("", str(Path(__file__).resolve().parent))]
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402  (the path above first)

# Its own database (PAGES_DATABASE), so a run of load.py at the same time does not share its rows.
load.DATABASE = os.environ.get("PAGES_DATABASE", "portal_pages")
BARE_DJANGO = "/__bare_django__"
BARE_SITE = "/__bare_site__"
BIG_TENANT = "load200"
LIST_PATH = "/owner/lists/job-titles/"
# (name, path, who, tenant)
PAGES: list[tuple[str, str, str | None, str]] = [
    ("bare Django view (no middleware)", BARE_DJANGO, None, load.TENANT),
    ("bare view behind the site's middleware", BARE_SITE, None, load.TENANT),
    ("login page", "/accounts/login/", None, load.TENANT),
    ("member's dashboard", "/", "member", load.TENANT),
    ("member's preferences", "/preferences/", "member", load.TENANT),
    ("member's notification matrix", "/preferences/notifications/", "member", load.TENANT),
    ("owner's job titles, 10 values", LIST_PATH, "owner", load.TENANT),
    ("owner's job titles, 200 values", LIST_PATH, "owner", BIG_TENANT),
]
RATIO_TARGET = 0.40
LIST_GROWTH_TARGET = 1.5


def _custom_titles_ensure(schema: str, count: int) -> None:
    from django.db import connection

    from apps.lov.services import lov_custom_value_create
    from apps.projects.lists.models import JobTitle
    from apps.tenants.models import Tenant

    tenant = Tenant.objects.get(schema_name=schema)
    have = JobTitle.objects.filter(lov_tenant=tenant).count()
    for n in range(have, count):
        lov_custom_value_create(model=JobTitle, tenant=tenant, name=f"Benchmark title {n:03d}")
    connection.set_schema_to_public()


def _big_tenant_ensure() -> str:
    """Provision `load200` and its owner if missing; return the owner's session cookie."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from apps.accounts.services import member_create
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create, tenant_provision

    tenant = Tenant.objects.filter(schema_name=BIG_TENANT).first()
    tenant = tenant or tenant_create(name="Load 200", subdomain=BIG_TENANT)
    tenant_provision(tenant)
    with schema_context(BIG_TENANT):
        user = get_user_model().objects.filter(username="owner").first()
        if user is None:
            user = member_create(username="owner", email="owner@example.com", password=load.PASSWORD, is_owner=True)
        client = Client(HTTP_HOST=f"{BIG_TENANT}.localhost")
        client.force_login(user)
        cookie = client.cookies["sessionid"].value
    connection.set_schema_to_public()
    return cookie


def _wrk(port: int, path: str, cookie: str | None, host: str, *, duration: int, connections: int) -> load.Run:
    previous = load.HOST
    load.HOST = host  # load._wrk sends this Host header
    try:
        return load._wrk(port, path, cookie, duration=duration, connections=connections)
    finally:
        load.HOST = previous


def _page_bytes(port: int, path: str, cookie: str | None, host: str) -> int:
    command = ["curl", "-s", "-H", f"Host: {host}", f"http://127.0.0.1:{port}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    return len(subprocess.run(command, check=True, capture_output=True).stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per page and round")
    parser.add_argument("--connections", type=int, default=4, help="wrk's open connections")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over every page")
    args = parser.parse_args(argv)

    from tests.support.processes import free_port, stop_process, wait_until
    from tests.support.redis import PrivateRedis

    scratch = Path(tempfile.mkdtemp(prefix="portal-pages-"))
    cache, broker = PrivateRedis(scratch / "cache"), PrivateRedis(scratch / "broker")
    cache.start()
    broker.start()
    gunicorn: Any = None
    best: dict[str, load.Run] = {}
    sizes: dict[str, int] = {}
    try:
        env = load._environment(cache.url(0), broker.url(0))
        os.environ.update(env)
        load._database_ensure(env["DATABASE_URL"])
        import django

        django.setup()
        cookies = {load.TENANT: load._site_ensure()}
        cookies[BIG_TENANT] = {"owner": _big_tenant_ensure()}
        _custom_titles_ensure(load.TENANT, 10)
        _custom_titles_ensure(BIG_TENANT, 200)
        port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "benchmarks.load_wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(load.WORKERS), "--timeout", "30",
        ]  # fmt: skip
        log = (scratch / "gunicorn.log").open("wb")
        gunicorn = subprocess.Popen(command, cwd=ROOT, env={**os.environ}, stdout=log, stderr=subprocess.STDOUT)

        def answers() -> bool:
            result = subprocess.run(["curl", "-sf", f"http://127.0.0.1:{port}{BARE_DJANGO}"], capture_output=True)
            return result.returncode == 0

        wait_until(answers, what="gunicorn to answer", timeout=60, every=0.2)

        def cookie_of(who: str | None, tenant: str) -> str | None:
            return cookies[tenant][who] if who else None

        for name, path, who, tenant in PAGES:  # each worker loads its templates before anything is measured
            host = f"{tenant}.localhost"
            _wrk(port, path, cookie_of(who, tenant), host, duration=1, connections=load.WORKERS)
            sizes[name] = _page_bytes(port, path, cookie_of(who, tenant), host)
        for _ in range(args.rounds):
            for name, path, who, tenant in PAGES:
                run = _wrk(
                    port, path, cookie_of(who, tenant), f"{tenant}.localhost",
                    duration=args.duration, connections=args.connections,
                )  # fmt: skip
                if name not in best or run.requests_per_second > best[name].requests_per_second:
                    best[name] = run
    finally:
        if gunicorn is not None:
            stop_process(gunicorn)
        cache.stop()
        broker.stop()
        shutil.rmtree(scratch, ignore_errors=True)

    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(
        f"{platform.node()}, {os.cpu_count()} cores, gunicorn {load.WORKERS} sync workers, wrk -c{args.connections} "
        f"-d{args.duration}s, best of {args.rounds} interleaved rounds; {uptime}\n"
    )
    bare_django = best[PAGES[0][0]].requests_per_second
    bare = best[PAGES[1][0]].requests_per_second
    print("| page | req/s | vs bare Django | vs bare behind the middleware | p50 ms | p99 ms | KB | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for name, run in best.items():
        rps = run.requests_per_second
        print(
            f"| {name} | {rps:.0f} | {rps / bare_django:.2f} | {rps / bare:.2f} | {run.p50_ms:.1f} "
            f"| {run.p99_ms:.1f} | {sizes[name] / 1024:.0f} | {run.errors} |"
        )
    failed = False
    print()
    for name in ("member's preferences", "member's notification matrix"):
        ratio = best[name].requests_per_second / bare
        ok = ratio >= RATIO_TARGET
        failed |= not ok
        print(f"{'PASS' if ok else 'FAIL'}: {name} {ratio:.2f}x the bare view behind the middleware "
              f"(target >= {RATIO_TARGET:.2f}x)")  # fmt: skip
    small = best["owner's job titles, 10 values"].requests_per_second
    large = best["owner's job titles, 200 values"].requests_per_second
    growth = small / large
    ok = growth <= LIST_GROWTH_TARGET
    failed |= not ok
    print(f"{'PASS' if ok else 'FAIL'}: job titles with 200 values {growth:.2f}x the time of 10 "
          f"(target <= {LIST_GROWTH_TARGET}x)")  # fmt: skip
    errors = sum(run.errors for run in best.values())
    if errors:
        failed = True
        print(f"FAIL: {errors} errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
