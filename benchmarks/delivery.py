"""Measure batched notification delivery (in-app 1k/10k/100k, email over SMTP) against the one-task-per-row path.

Run from the repository root (the database is created if missing):

    .venv/bin/python benchmarks/delivery.py [--sizes 1000,10000,100000] [--emails 2000] [--baseline 1000]

One Celery worker process with concurrency 2 (prefork), the same PostgreSQL and Redis, an SMTP sink (aiosmtpd,
in this process, counting what it receives). For each size it sends one notification (`send_notification` in a
transaction) and waits until no row is pending: send → all settled. The worker counts its tasks and SQL queries
(benchmarks/delivery_probe.py); their sum divided by the deliveries is the amortised cost. The baseline is the
old path, measured in the same run: NOTIFICATIONS_BATCH_SIZE=1, one task (and one SMTP connection) per row.

It never touches the development site's data: its own database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/portal_bench_delivery), Redis databases 7, 8 and 9 of BENCH_REDIS
(default redis://127.0.0.1:6379) and its own queue. The exit status is 1 when a target is missed.
"""

import argparse
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.support import bench_tenant_ensure, database_ensure  # noqa: E402  (the path above first)

_redis = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379").rstrip("/")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DJANGO_DEBUG": "false",  # no query log growing in the worker
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_delivery"
        ),
        "REDIS_URL": f"{_redis}/7",
        "CELERY_BROKER_URL": f"{_redis}/8",
        "CELERY_RESULT_BACKEND": f"{_redis}/9",
        "BENCH_COUNTERS_URL": f"{_redis}/9",
        "CELERY_TASK_DEFAULT_QUEUE": "portal-bench-delivery",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
)
SCHEMA = "bench"
USERS_PER_INSERT = 5000
TARGET_RATE, TARGET_100K_SECONDS, TARGET_EMAIL_RATE = 1000.0, 120.0, 200.0
TARGET_TASKS, TARGET_QUERIES = 0.05, 0.1


class CountingSink:
    """An aiosmtpd handler that only counts messages (the benchmark measures the sender, not the sink)."""

    def __init__(self) -> None:
        self.messages = 0
        self.sessions = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages += 1
        return "250 Message accepted for delivery"


@dataclass
class Run:
    label: str
    rows: int
    seconds: float
    tasks: int
    queries: int

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    def line(self, baseline: "Run | None" = None) -> str:
        ratio = f"  {self.rate / baseline.rate:5.1f}x the baseline's rate" if baseline else ""
        return (
            f"{self.label:<34}{self.rows:>8,} rows {self.seconds:8.2f} s {self.rate:8.0f}/s "
            f"{self.tasks / self.rows:7.4f} tasks/row {self.queries / self.rows:7.4f} queries/row{ratio}"
        )


def ensure_users(count: int) -> None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    have = user_model.objects.filter(username__startswith="bench").count()
    for start in range(have, count, USERS_PER_INSERT):
        user_model.objects.bulk_create(
            [
                user_model(username=f"bench{i}", email=f"bench{i}@example.com", password="!")
                for i in range(start, min(start + USERS_PER_INSERT, count))
            ]
        )
        print(f"  users: {min(start + USERS_PER_INSERT, count):,}", end="\r", flush=True)
    print()


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    from portal.celery import app

    app.control.purge()
    node = f"bench-delivery-{os.getpid()}-{time.monotonic_ns()}@%h"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=prefork", "--concurrency=2",
         "--loglevel=WARNING", "-Q", os.environ["CELERY_TASK_DEFAULT_QUEUE"], "-n", node,
         "-I", "benchmarks.delivery_probe", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env={**os.environ, **env},
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("The benchmark's Celery worker did not start.")
    return worker


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def send_and_settle(label: str, backend: str, count: int, counters: Any, timeout: float) -> Run:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from apps.notifications.models import Delivery
    from apps.notifications.shortcuts import send_notification

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notifications_inboxmessage, notifications_smsmessage, notifications_delivery RESTART IDENTITY"
        )
    counters.delete("bench:tasks", "bench:queries")
    users = list(get_user_model().objects.filter(username__startswith="bench").order_by("pk")[:count])
    started = time.perf_counter()
    with transaction.atomic():
        rows = send_notification("test_message", users=users)
    assert len(rows) == count and {row.backend.name for row in rows} == {backend}, "one pending row per user"
    deadline = started + timeout
    while Delivery.objects.filter(status=Delivery.Status.PENDING).exists():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{label}: rows still pending after {timeout:.0f} s")
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    sent = Delivery.objects.filter(status=Delivery.Status.SENT).count()
    assert sent == count, f"{label}: {sent} of {count} sent"
    tasks, queries = (int(counters.get(key) or 0) for key in ("bench:tasks", "bench:queries"))
    return Run(label, count, elapsed, tasks, queries)


def verdict(ok: bool, what: str) -> bool:
    print(f"{'PASS' if ok else 'FAIL'}  {what}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="in-app recipients per run")
    parser.add_argument("--emails", type=int, default=2000, help="email recipients")
    parser.add_argument("--baseline", type=int, default=1000, help="recipients of the one-task-per-row runs")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    database_ensure()
    import django

    django.setup()
    import redis
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django_tenants.utils import schema_context

    from apps.notifications.services import tenant_defaults_update
    from tests.support.processes import free_port

    # aiosmtpd logs every SMTP command at INFO ("mail.log"): that costs CPU on the cores the worker measures.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = CountingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    counters = redis.Redis.from_url(os.environ["BENCH_COUNTERS_URL"])
    smtp = {
        "NOTIFICATIONS_EMAIL_CONNECTION": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
    }
    bench_tenant_ensure(SCHEMA)
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    results: dict[str, Run] = {}
    passed = True
    try:
        with schema_context(SCHEMA):
            ensure_users(max([*sizes, args.emails, args.baseline]))
            for batch_size, suffix in ((1, "one task per row"), (settings.NOTIFICATIONS_BATCH_SIZE, "batched")):
                # The sender computes how many tasks to queue from the same setting as the worker.
                settings.NOTIFICATIONS_BATCH_SIZE = batch_size
                worker = start_worker({**smtp, "NOTIFICATIONS_BATCH_SIZE": str(batch_size)})
                try:
                    tenant_defaults_update(
                        notification="test_message", prefs={"email": False, "sms": False, "in_app": True}
                    )
                    for size in [args.baseline] if batch_size == 1 else sizes:
                        run = send_and_settle(f"in-app {size:,}, {suffix}", "in_app", size, counters, 1800)
                        results[run.label] = run
                        print(run.line(results.get(f"in-app {args.baseline:,}, one task per row")), flush=True)
                    tenant_defaults_update(
                        notification="test_message", prefs={"email": True, "sms": False, "in_app": False}
                    )
                    count = args.baseline if batch_size == 1 else args.emails
                    sessions_before = sink.sessions
                    run = send_and_settle(f"email {count:,}, {suffix}", "email", count, counters, 1800)
                    results[run.label] = run
                    print(
                        run.line(results.get(f"email {args.baseline:,}, one task per row")),
                        f"{sink.sessions - sessions_before} SMTP sessions",
                        flush=True,
                    )
                finally:
                    stop_worker(worker)
    finally:
        controller.stop()
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    batched_in_app = [run for label, run in results.items() if label.startswith("in-app") and "batched" in label]
    for run in batched_in_app:
        passed &= verdict(run.rate >= TARGET_RATE, f"{run.label}: {run.rate:.0f} deliveries/s >= {TARGET_RATE:.0f}")
        passed &= verdict(run.tasks / run.rows <= TARGET_TASKS, f"{run.label}: {run.tasks / run.rows:.4f} tasks/row")
        passed &= verdict(
            run.queries / run.rows <= TARGET_QUERIES, f"{run.label}: {run.queries / run.rows:.4f} queries/row"
        )
    for run in batched_in_app:
        if run.rows == 100_000:
            passed &= verdict(run.seconds <= TARGET_100K_SECONDS, f"100k settled in {run.seconds:.0f} s <= 120 s")
    email = results[f"email {args.emails:,}, batched"]
    passed &= verdict(email.rate >= TARGET_EMAIL_RATE, f"{email.label}: {email.rate:.0f} messages/s >= 200")
    passed &= verdict(
        email.tasks / email.rows <= TARGET_TASKS, f"{email.label}: {email.tasks / email.rows:.4f} tasks/row"
    )
    passed &= verdict(
        email.queries / email.rows <= TARGET_QUERIES, f"{email.label}: {email.queries / email.rows:.4f} queries/row"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
