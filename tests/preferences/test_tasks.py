import pytest
from django_tenants.utils import schema_context

from apps.preferences.registries import global_preferences_registry
from tests.celery_probe import global_preference_probe


@pytest.mark.worker
def test_a_workers_next_task_sees_a_value_changed_since_its_last_task(committed_tenants, celery_worker):
    with schema_context("acme"):
        before = global_preference_probe.delay("general__max_upload_mb").get(timeout=30)
        global_preferences_registry.manager()["general__max_upload_mb"] = 55  # commits, then bumps the version
        after = global_preference_probe.delay("general__max_upload_mb").get(timeout=30)
    with schema_context("globex"):
        other_tenant = global_preference_probe.delay("general__max_upload_mb").get(timeout=30)

    assert (before, after, other_tenant) == (10, 55, 10)
