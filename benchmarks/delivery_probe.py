"""Loaded into the benchmark's Celery worker (`-I benchmarks.delivery_probe`): count tasks and SQL queries.

Each task's queries (without django-tenants' `SET search_path`) are counted by a database execute wrapper and
added, with one for the task, to Redis counters the benchmark reads (BENCH_COUNTERS_URL).
"""

import os
from typing import Any

import redis
from celery.signals import task_postrun, task_prerun
from django.db import connection

_counters = redis.Redis.from_url(os.environ["BENCH_COUNTERS_URL"])
_queries = [0]


def _count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    if not sql.startswith("SET search_path"):
        _queries[0] += 1
    return execute(sql, params, many, context)


@task_prerun.connect
def _start(**kwargs: Any) -> None:
    _queries[0] = 0
    connection.execute_wrappers.append(_count)


@task_postrun.connect
def _finish(**kwargs: Any) -> None:
    if _count in connection.execute_wrappers:
        connection.execute_wrappers.remove(_count)
    pipe = _counters.pipeline()
    pipe.incrby("bench:tasks", 1)
    pipe.incrby("bench:queries", _queries[0])
    pipe.execute()
