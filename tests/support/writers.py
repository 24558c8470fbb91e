"""Writer processes for the concurrency tests: each its own Python (spawned), Django set-up and connection.

`start_writers` starts them on the test database; they wait for one another at a barrier, then each makes
its writes as fast as it can on the same target, so the database sees them interleave as a busy site would.
"""

import multiprocessing
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.support.processes import child_env

# Bounds a broken run (a writer that never starts or never ends); no test asserts how long the writers take.
GIVE_UP_SECONDS = 300


@dataclass(frozen=True)
class Target:
    """What every writer writes: each of `kinds` (keys of WRITES) in turn, in `schema`, on the row ids in `ids`."""

    kinds: tuple[str, ...]
    schema: str
    ids: dict[str, int]


def written_value(kind: str, writer: int, write: int) -> Any:
    """Return the value writer number `writer` stores at its `write`-th write of `kind` (each one distinct)."""
    if kind == "preference":
        return f"writer {writer} write {write}"
    return (writer + write) % 2 == 0  # a matrix cell or a list selection: on and off in turn


def _write_preference(target: Target, value: Any) -> None:
    from apps.preferences.registries import global_preferences_registry

    global_preferences_registry.manager()["general__title"] = value


def _write_matrix_cell(target: Target, value: Any) -> None:
    from django.contrib.auth import get_user_model

    from apps.notifications.services import user_preferences_update

    user = get_user_model().objects.get(pk=target.ids["user"])
    user_preferences_update(user=user, notification="weekly_digest", prefs={"email": value})


def _write_list_selection(target: Target, value: Any) -> None:
    from apps.lov.services import lov_value_select
    from apps.projects.lists.models import TaskStatus
    from apps.tenants.models import Tenant

    tenant = Tenant.objects.get(pk=target.ids["tenant"])
    lov_value_select(value=TaskStatus.objects.get(pk=target.ids["value"]), tenant=tenant, selected=value)


WRITES: dict[str, Callable[[Target, Any], None]] = {
    "preference": _write_preference,
    "matrix cell": _write_matrix_cell,
    "list selection": _write_list_selection,
}


def _writer(env: dict[str, str], target: Target, writer: int, writes: int, barrier: Any, errors: Any) -> None:
    try:
        os.environ.update(env)
        import django

        django.setup()
        from django_tenants.utils import schema_context

        barrier.wait(GIVE_UP_SECONDS)  # every writer has set Django up: now they race
        with schema_context(target.schema):
            for write in range(writes):
                for kind in target.kinds:
                    WRITES[kind](target, written_value(kind, writer, write))
    except BaseException:
        errors.put(f"writer {writer}: {traceback.format_exc()}")
        barrier.abort()
        raise


def run_writers(target: Target, *, processes: int, writes: int) -> None:
    """Run `processes` spawned writers of `writes` writes of each kind on `target`; raise if any of them failed."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    errors = context.Queue()
    # Tasks a write queues (none should) run in the writer, never on the shared broker.
    env = child_env({"CELERY_TASK_ALWAYS_EAGER": "true"})
    workers = [
        context.Process(target=_writer, args=(env, target, writer, writes, barrier, errors))
        for writer in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(GIVE_UP_SECONDS)
    for worker in workers:
        if worker.is_alive():
            worker.kill()
    failures = [errors.get() for _ in range(errors.qsize())]
    exit_codes = [worker.exitcode for worker in workers]
    if failures or exit_codes != [0] * processes:
        raise AssertionError(f"writers failed (exit codes {exit_codes}):\n" + "\n".join(failures))
