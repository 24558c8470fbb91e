"""Eight processes writing the same preference, matrix cell and list selection at once: one row, a whole history.

Each writer is a separate Python process (multiprocessing with `spawn`, Django set up on the test database),
so the writes race in PostgreSQL as those of gunicorn workers do, not in one interpreter's threads. The three
targets share one run of writers (each writer writes all three in turn) because starting eight Django
processes is most of the cost; each target still has eight writers racing on it.
"""

from django_tenants.utils import schema_context

from apps.lov.services import lov_defaults_sync_all
from apps.notifications.models import NotificationSetting
from apps.preferences.models import GlobalPreference, PreferenceChange
from apps.preferences.registries import global_preferences_registry
from apps.projects.lists.models import TaskStatus
from tests.support.people import make_user
from tests.support.writers import WRITES, Target, run_writers, written_value

PROCESSES = 8
WRITES_PER_PROCESS = 200


def everything_written(kind: str) -> set[object]:
    return {written_value(kind, writer, write) for writer in range(PROCESSES) for write in range(WRITES_PER_PROCESS)}


def test_concurrent_writes_leave_one_row_each_a_complete_chained_history_and_a_value_that_was_written(
    committed_tenants,
):
    acme = committed_tenants["acme"]
    alice = make_user(acme, "alice")
    lov_defaults_sync_all()
    blocked = TaskStatus.objects.get(name="Blocked")  # an optional status: a tenant turns it on and off
    target = Target(tuple(WRITES), "acme", {"user": alice.pk, "tenant": acme.pk, "value": blocked.pk})

    run_writers(target, processes=PROCESSES, writes=WRITES_PER_PROCESS)

    with schema_context("acme"):
        preference_rows = list(GlobalPreference.objects.filter(section="general", name="title"))
        history = list(
            PreferenceChange.objects.filter(scope="global", section="general", name="title")
            .order_by("id")
            .values_list("old_raw_value", "new_raw_value")
        )
        title = global_preferences_registry.manager()["general__title"]
        cells = list(
            NotificationSetting.objects.filter(
                user=alice, notification_type__name="weekly_digest", backend__name="email"
            ).values_list("value", flat=True)
        )
    selections = TaskStatus.lov_selection_model()._default_manager.filter(lov_tenant_id=acme.pk, lov_value=blocked)

    # The preference: one row; every write recorded (each value differs from the one before, so none is a no-op),
    # each change starting from the value the previous one left, the first from the default.
    assert len(preference_rows) == 1
    assert len(history) == PROCESSES * WRITES_PER_PROCESS
    assert history[0][0] is None
    assert [old for old, _ in history[1:]] == [new for _, new in history[:-1]]
    assert preference_rows[0].raw_value == history[-1][1]
    assert title in everything_written("preference")
    # The matrix cell: one row, holding one of the values written.
    assert len(cells) == 1
    assert cells[0] in everything_written("matrix cell")
    # The list selection: offered (one row) or not (none), never two rows.
    assert selections.count() in (0, 1)
    assert (selections.count() == 1) in everything_written("list selection")
