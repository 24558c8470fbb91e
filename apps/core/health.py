"""Health checks: liveness with no I/O, readiness with bounded checks, and the console's detailed report.

- Liveness (`/healthz`): the process answers. No database, no Redis, no broker: a load balancer or an
  orchestrator restarting a web node must not do so because a shared service is slow.
- Readiness (`/readyz`): PostgreSQL and Redis answer, each within about a second (`HEALTH_CHECK_TIMEOUT`).
  The workers are reported from their heartbeat — a beat task a worker runs every `HEALTH_HEARTBEAT_SECONDS`
  writes a time stamp to Redis — read in the same Redis call, so no call waits on a Celery broadcast; a
  missing worker does not make the web node unready.
- The console (`health_report`): the same checks plus a live Celery ping, for superadmins.
"""

import time
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

HEARTBEAT_KEY = "portal:health:worker-heartbeat"


@dataclass(frozen=True)
class ServiceHealth:
    name: str
    ok: bool
    detail: str


def _timeout() -> float:
    return float(getattr(settings, "HEALTH_CHECK_TIMEOUT", 1.0))


def _heartbeat_max_age() -> float:
    # Three missed beats: one slow task or a restart does not flap the report.
    return 3 * float(getattr(settings, "HEALTH_HEARTBEAT_SECONDS", 30.0))


def _check_database() -> ServiceHealth:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # For this transaction only: a PostgreSQL that accepts the query but cannot run it answers in time.
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(int(_timeout() * 1000))])
            cursor.execute("SELECT 1")
        return ServiceHealth("database", True, "reachable")
    except Exception as exc:  # Any failure is the answer, not an error of the check.
        return ServiceHealth("database", False, str(exc)[:200])


def _redis_client() -> Any:
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _check_redis_and_heartbeat() -> tuple[ServiceHealth, ServiceHealth]:
    """Read the workers' heartbeat: one Redis call that also proves Redis answers (within its socket timeout)."""
    try:
        stamp = _redis_client().get(HEARTBEAT_KEY)
    except Exception as exc:
        message = str(exc)[:200]
        return ServiceHealth("redis", False, message), ServiceHealth("workers", False, "unknown: Redis unreachable")
    redis = ServiceHealth("redis", True, "reachable")
    if stamp is None:
        return redis, ServiceHealth("workers", False, "no heartbeat from a worker")
    age = time.time() - float(stamp)
    if age > _heartbeat_max_age():
        return redis, ServiceHealth("workers", False, f"last heartbeat {age:.0f} s ago")
    return redis, ServiceHealth("workers", True, f"heartbeat {age:.0f} s ago")


def _check_workers_live(timeout: float) -> ServiceHealth:
    try:
        replies = current_app.control.ping(timeout=timeout, limit=1)  # the first answer is enough
    except Exception as exc:
        return ServiceHealth("workers", False, str(exc)[:200])
    if not replies:
        return ServiceHealth("workers", False, "no Celery worker answered")
    return ServiceHealth("workers", True, f"{len(replies)} worker(s) answered")


def readiness_report() -> list[ServiceHealth]:
    """Return the database's, Redis's and the workers' (from their heartbeat) health; no broker call."""
    return [_check_database(), *_check_redis_and_heartbeat()]


def is_ready(report: list[ServiceHealth]) -> bool:
    """Return whether a web node can serve: the database and Redis answer (workers are reported, not required)."""
    return all(check.ok for check in report if check.name != "workers")


def health_report(*, include_workers: bool = True, worker_timeout: float = 1.0) -> list[ServiceHealth]:
    """Return the health of the database, Redis and (optionally) the Celery workers, pinged live (the console)."""
    report = [_check_database(), _check_redis()]
    if include_workers:
        report.append(_check_workers_live(worker_timeout))
    return report


def _check_redis() -> ServiceHealth:
    try:
        cache.client.get_client(write=False).ping()  # type: ignore[attr-defined]
        return ServiceHealth("redis", True, "reachable")
    except Exception as exc:
        return ServiceHealth("redis", False, str(exc)[:200])


def heartbeat_record() -> None:
    """Record that a worker is consuming tasks now (`apps.core.tasks.worker_heartbeat`, run by the beat)."""
    _redis_client().set(HEARTBEAT_KEY, str(time.time()), ex=int(_heartbeat_max_age()) + 60)
