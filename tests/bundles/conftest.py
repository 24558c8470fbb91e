"""A configured acme: stored preferences, a live-setting override, notification defaults, lists of values
(custom values, selections, its own order of job titles and "Done" shown as "Finished")."""

import pytest
from django_tenants.utils import schema_context

from apps.accounts.services import group_ensure
from apps.livesettings.services import tenant_override_set
from apps.lov.services import lov_custom_value_create, lov_order_set, lov_value_label_set, lov_value_select
from apps.notifications.services import group_preferences_update, tenant_defaults_update
from apps.preferences.registries import global_preferences_registry
from apps.preferences.services import preferences_set
from apps.projects.lists.models import JobTitle, TaskStatus


def configure(tenant):
    """Give `tenant` a configuration touching every section of a bundle."""
    with schema_context(tenant.schema_name):
        preferences_set(
            store=global_preferences_registry.store(),
            values={"general__title": "Acme portal", "general__max_upload_mb": 50},
            actor="olivia",
        )
        tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=1800, actor="olivia")
        tenant_defaults_update(notification="weekly_digest", prefs={"email": False})
        group_preferences_update(group=group_ensure("Sales"), notification="task_assigned", prefs={"sms": True})
        group_preferences_update(group=group_ensure("Support"), notification="weekly_digest", prefs={"in_app": False})
        lov_value_select(value=JobTitle.objects.get(name="Engineer"), tenant=tenant, selected=True)
        lov_custom_value_create(model=JobTitle, tenant=tenant, name="Chief widget officer")
        lov_custom_value_create(model=TaskStatus, tenant=tenant, name="Parked", select=False)
        lov_order_set(model=JobTitle, tenant=tenant, value_ids=[JobTitle.objects.get(name="Engineer").pk])
        lov_value_label_set(value=TaskStatus.objects.get(name="Done"), tenant=tenant, label="Finished")


@pytest.fixture
def configured_acme(acme, lov_defaults):
    configure(acme)
    return acme
