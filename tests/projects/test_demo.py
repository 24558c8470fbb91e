from django.core.management import call_command
from django_tenants.utils import schema_context

from apps.projects.demo import projects_demo_load
from apps.projects.lists.models import JobTitleSelection, TaskStatus, TaskStatusSelection
from apps.projects.models import Task


def test_demo_load_is_idempotent_and_per_tenant(acme, globex):
    projects_demo_load(tenant=acme)
    call_command("load_projects_demo")
    projects_demo_load(tenant=acme)

    acme_statuses = {v.name for v in TaskStatusSelection.objects.selected_values_for_tenant(acme)}
    globex_statuses = {v.name for v in TaskStatusSelection.objects.selected_values_for_tenant(globex)}
    assert {"Blocked", "In review", "Awaiting sign-off"} <= acme_statuses
    assert "Needs QA" in globex_statuses and "Awaiting sign-off" not in globex_statuses
    assert TaskStatus.objects.filter(name="Awaiting sign-off").count() == 1
    acme_labels = [v.lov_display for v in TaskStatusSelection.objects.selected_values_for_tenant(acme)]
    assert "Finished" in acme_labels and "Done" not in acme_labels
    assert "Done" in {v.lov_display for v in TaskStatusSelection.objects.selected_values_for_tenant(globex)}
    assert JobTitleSelection.objects.filter(lov_tenant=acme).count() == 3
    with schema_context("acme"):
        assert Task.objects.count() == 2
    with schema_context("globex"):
        assert Task.objects.count() == 2
