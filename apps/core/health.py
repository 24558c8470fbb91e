"""Reachability of the services the site depends on, each check bounded by a short timeout."""

from dataclasses import dataclass

from celery import current_app
from django.core.cache import cache
from django.db import connection


@dataclass(frozen=True)
class ServiceHealth:
    name: str
    ok: bool
    detail: str


def _check_database() -> ServiceHealth:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return ServiceHealth("database", True, "reachable")
    except Exception as exc:  # Any failure is the answer, not an error of the check.
        return ServiceHealth("database", False, str(exc)[:200])


def _check_redis() -> ServiceHealth:
    try:
        cache.client.get_client(write=False).ping()  # type: ignore[attr-defined]
        return ServiceHealth("redis", True, "reachable")
    except Exception as exc:
        return ServiceHealth("redis", False, str(exc)[:200])


def _check_workers(timeout: float) -> ServiceHealth:
    try:
        replies = current_app.control.ping(timeout=timeout, limit=1)  # the first answer is enough
    except Exception as exc:
        return ServiceHealth("workers", False, str(exc)[:200])
    if not replies:
        return ServiceHealth("workers", False, "no Celery worker answered")
    return ServiceHealth("workers", True, f"{len(replies)} worker(s) answered")


def health_report(*, include_workers: bool = True, worker_timeout: float = 1.0) -> list[ServiceHealth]:
    """Return the health of the database, Redis and (optionally) the Celery workers."""
    report = [_check_database(), _check_redis()]
    if include_workers:
        report.append(_check_workers(worker_timeout))
    return report
