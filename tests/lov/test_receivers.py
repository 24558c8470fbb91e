"""A new tenant's lists: the shared defaults are checked with one read per list and synced only when they lag."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.lov import LOVValueType
from apps.lov.receivers import lov_defaults_on_tenant_ready
from apps.lov.registry import lov_lists
from apps.projects.lists.models import TaskStatus
from apps.tenants.models import Tenant


def test_defaults_in_step_are_only_read(acme):
    with CaptureQueriesContext(connection) as queries:
        lov_defaults_on_tenant_ready(sender=Tenant, tenant=acme)

    assert [query["sql"].split()[0] for query in queries] == ["SELECT"] * len(lov_lists())


def test_lagging_defaults_are_synced(acme, monkeypatch):
    monkeypatch.setattr(TaskStatus, "lov_defaults", {**TaskStatus.lov_defaults, "Archived": {"value_type": "optional"}})
    TaskStatus.objects.filter(name="Blocked", lov_tenant=None).update(value_type=LOVValueType.OPTIONAL)

    lov_defaults_on_tenant_ready(sender=Tenant, tenant=acme)

    assert TaskStatus.objects.get(name="Archived", lov_tenant=None).value_type == LOVValueType.OPTIONAL
    assert (
        TaskStatus.objects.get(name="Blocked", lov_tenant=None).value_type
        == TaskStatus.lov_defaults["Blocked"]["value_type"]
    )
