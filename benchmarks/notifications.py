"""Measure notification recipient resolution (1k, 10k, 100k users, 3 backends) and in-app delivery throughput.

Run from the repository root (the database is created if missing):

    env DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_notifications .venv/bin/python \
        benchmarks/notifications.py [--sizes 1000,10000,100000] [--deliveries 2000]

It provisions a tenant schema "bench", creates the users in bulk (batches of 5,000), two groups with
preferences, and a permission held by a third of the users. For each size it prints the SQL queries
(without django-tenants' `SET search_path` calls) and the median seconds of `recipients_resolve`, with the
growth per 10x. Then it starts one Celery worker (solo pool) and times the delivery of in-app notifications.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.support import bench_tenant_ensure, database_ensure  # noqa: E402  (the path above first)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_notifications")
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", "portal-bench-notifications")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
SCHEMA = "bench"
BATCH = 5000


def ensure_users(count: int) -> None:
    """Create users bench0…bench<count-1> in bulk, a third in Finance (billing permission), half in Sales."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    user_model = get_user_model()
    have = user_model.objects.filter(username__startswith="bench").count()
    sales, _ = Group.objects.get_or_create(name="Sales")
    finance, _ = Group.objects.get_or_create(name="Finance")
    finance.permissions.add(Permission.objects.get(codename="view_billing"))
    memberships = user_model.groups.through
    for start in range(have, count, BATCH):
        batch = [user_model(username=f"bench{i}", password="!") for i in range(start, min(start + BATCH, count))]
        created = user_model.objects.bulk_create(batch)
        links = [memberships(user_id=u.pk, group_id=sales.pk) for n, u in enumerate(created, start) if n % 2 == 0]
        links += [memberships(user_id=u.pk, group_id=finance.pk) for n, u in enumerate(created, start) if n % 3 == 0]
        memberships.objects.bulk_create(links)
        print(f"  users: {min(start + BATCH, count):,}", end="\r", flush=True)
    print()


def measure_resolution(sizes: list[int]) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.notifications.selectors import recipients_resolve
    from apps.notifications.shortcuts import update_preferences

    user_model = get_user_model()
    update_preferences("task_assigned", Group.objects.get(name="Sales"), {"sms": True, "email": False})
    update_preferences("billing_invoice", Group.objects.get(name="Sales"), {"in_app": True})
    ids = list(user_model.objects.filter(username__startswith="bench").order_by("pk").values_list("pk", flat=True))
    print(f"{'notification':<16}{'users':>9}{'queries':>9}{'seconds':>10}{'growth/10x':>12}")
    for notification in ("task_assigned", "billing_invoice"):
        previous = None
        for size in sizes:
            users = user_model.objects.filter(pk__lte=ids[size - 1], username__startswith="bench")
            timings, queries = [], 0
            for _ in range(3):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    resolved = recipients_resolve(notification=notification, users=users)
                    timings.append(time.perf_counter() - started)
                queries = sum(1 for q in captured.captured_queries if not q["sql"].startswith("SET search_path"))
            assert all(len(by_user) == size for by_user in resolved.values())
            median = statistics.median(timings)
            growth = f"{median / previous:.1f}x" if previous else "-"
            previous = median
            print(f"{notification:<16}{size:>9,}{queries:>9}{median:>10.3f}{growth:>12}")


def measure_throughput(count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from apps.notifications.models import Delivery, InboxMessage
    from apps.notifications.services import tenant_defaults_update
    from apps.notifications.shortcuts import send_notification
    from portal.celery import app

    Delivery.objects.all().delete()
    InboxMessage.objects.all().delete()
    tenant_defaults_update(notification="test_message", prefs={"email": False, "sms": False, "in_app": True})
    app.control.purge()
    queue = os.environ["CELERY_TASK_DEFAULT_QUEUE"]
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=WARNING", "-Q", queue,
         "-n", f"bench-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=os.environ.copy(),
    )  # fmt: skip
    try:
        while not app.control.ping(timeout=0.5):
            time.sleep(0.5)
        users = get_user_model().objects.filter(username__startswith="bench").order_by("pk")[:count]
        started = time.perf_counter()
        with transaction.atomic():
            rows = send_notification("test_message", users=list(users))
        queued = time.perf_counter() - started
        while Delivery.objects.filter(status=Delivery.Status.PENDING).exists():
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        sent = Delivery.objects.filter(status=Delivery.Status.SENT).count()
        print(f"in-app delivery, one worker (solo pool): {len(rows):,} rows written and queued in {queued:.2f} s; "
              f"{sent:,} sent in {elapsed:.2f} s = {sent / elapsed:.0f} deliveries/s")  # fmt: skip
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--deliveries", type=int, default=2000)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    database_ensure()
    import django

    django.setup()
    from django_tenants.utils import schema_context

    bench_tenant_ensure(SCHEMA)
    with schema_context(SCHEMA):
        ensure_users(max(sizes))
        measure_resolution(sizes)
        if args.deliveries:
            measure_throughput(args.deliveries)


if __name__ == "__main__":
    main()
