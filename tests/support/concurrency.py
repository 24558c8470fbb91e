"""Run several writers at the same moment, each in its own thread and database connection."""

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connections
from django_tenants.utils import schema_context

# Bounds a broken run (a writer that never reaches the start line); no test asserts how long writers take.
GIVE_UP_SECONDS = 60

T = TypeVar("T")
R = TypeVar("R")


def run_at_once(target: Callable[[T], R], values: Sequence[T], *, schema: str) -> list[R]:
    """Call `target(value)` for every value in its own thread, released together in `schema`; return the results.

    Results come in the order of `values`. Every thread closes its database connections when done. If any
    call raised, the first such exception is raised here once all threads have finished.
    """
    barrier = threading.Barrier(len(values), timeout=GIVE_UP_SECONDS)
    results: list[R | None] = [None] * len(values)
    errors: list[BaseException] = []

    def run(index: int, value: T) -> None:
        try:
            with schema_context(schema):
                barrier.wait()  # every writer is in its schema: now they race
                results[index] = target(value)
        except BaseException as exc:  # re-raised in the calling thread below
            errors.append(exc)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, value)) for index, value in enumerate(values)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(GIVE_UP_SECONDS)
    if errors:
        raise errors[0]
    return results  # type: ignore[return-value]  # every slot was filled: no thread raised
