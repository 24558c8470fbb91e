import pytest
from django_tenants.utils import schema_context

from tests.celery_probe import schema_probe
from tests.conftest import make_user


def test_task_queued_in_a_tenant_runs_in_that_schema_in_eager_mode(acme, globex):
    make_user(acme, "acme-only")
    make_user(globex, "globex-only")

    with schema_context("acme"):
        acme_result = schema_probe.delay().get()
    with schema_context("globex"):
        globex_result = schema_probe.delay().get()

    assert acme_result == {"schema": "acme", "usernames": ["acme-only"]}
    assert globex_result == {"schema": "globex", "usernames": ["globex-only"]}


@pytest.mark.worker
def test_task_queued_in_a_tenant_runs_in_that_schema_on_a_real_worker(committed_tenants, celery_worker):
    make_user(committed_tenants["acme"], "acme-only")
    make_user(committed_tenants["globex"], "globex-only")

    with schema_context("acme"):
        acme_result = schema_probe.delay().get(timeout=30)
    with schema_context("globex"):
        globex_result = schema_probe.delay().get(timeout=30)

    assert acme_result == {"schema": "acme", "usernames": ["acme-only"]}
    assert globex_result == {"schema": "globex", "usernames": ["globex-only"]}
