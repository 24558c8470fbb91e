import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from apps.lov import LOVValueType
from apps.lov.services import (
    lov_custom_value_create,
    lov_custom_value_delete,
    lov_custom_value_rename,
    lov_defaults_sync,
    lov_value_select,
)
from apps.projects.lists.models import TaskStatus, TaskStatusSelection

M = {"value_type": LOVValueType.MANDATORY}
OPT = {"value_type": LOVValueType.OPTIONAL}


def test_sync_is_idempotent(db):
    first = lov_defaults_sync(model=TaskStatus)
    count = TaskStatus.objects.count()

    second = lov_defaults_sync(model=TaskStatus)

    assert first.unchanged and second.unchanged  # the fixture synced already
    assert TaskStatus.objects.count() == count


def test_sync_adds_changes_in_place_and_retires(acme, monkeypatch):
    blocked = TaskStatus.objects.get(name="Blocked", lov_tenant=None)
    todo = TaskStatus.objects.get(name="To do", lov_tenant=None)
    monkeypatch.setattr(TaskStatus, "lov_defaults", {"To do": OPT, "Blocked": M, "Archived": OPT})

    report = lov_defaults_sync(model=TaskStatus)

    blocked.refresh_from_db()
    todo.refresh_from_db()
    assert report.added == ["Archived"]
    assert blocked.value_type == LOVValueType.MANDATORY and blocked.deleted is None
    assert todo.value_type == LOVValueType.OPTIONAL
    assert TaskStatus.objects.filter(name__iexact="blocked", lov_tenant=None).count() == 1
    assert set(report.retired) == {"In progress", "Done", "In review", "Waiting for customer", "Cancelled"}
    assert TaskStatus.objects.get(name="Done").deleted is not None
    # A mandatory value that became optional stays selected for existing tenants.
    assert TaskStatusSelection.objects.filter(lov_tenant=acme, lov_value=todo).exists()


def test_sync_revives_a_default_that_comes_back(monkeypatch, db):
    defaults = dict(TaskStatus.lov_defaults)
    monkeypatch.setattr(TaskStatus, "lov_defaults", {k: v for k, v in defaults.items() if k != "Blocked"})
    lov_defaults_sync(model=TaskStatus)
    monkeypatch.setattr(TaskStatus, "lov_defaults", defaults)

    report = lov_defaults_sync(model=TaskStatus)

    assert report.added == ["Blocked"]
    assert TaskStatus.objects.filter(name="Blocked").count() == 1


def test_sync_never_turns_a_custom_value_into_a_default(acme, monkeypatch):
    custom = TaskStatus.objects.create_for_tenant(acme, "Escalated")
    monkeypatch.setattr(TaskStatus, "lov_defaults", {**TaskStatus.lov_defaults, "Escalated": OPT})

    report = lov_defaults_sync(model=TaskStatus)

    custom.refresh_from_db()
    assert custom.value_type == LOVValueType.CUSTOM and custom.lov_tenant == acme
    assert report.added == ["Escalated"]
    assert report.clashes == ["“Escalated” (custom value of Acme Corporation)"]


def test_update_lovs_prints_what_it_did(monkeypatch, capsys, db):
    monkeypatch.setattr(TaskStatus, "lov_defaults", {**TaskStatus.lov_defaults, "Escalated": OPT})

    call_command("update_lovs")
    first = capsys.readouterr().out
    call_command("update_lovs")
    second = capsys.readouterr().out

    assert "projects_lists.TaskStatus: added “Escalated”" in first
    assert "projects_lists.TaskStatus: up to date" in second
    assert "projects_lists.JobTitle: up to date" in second


def test_custom_value_create_selects_it(acme):
    value = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")

    assert value in TaskStatusSelection.objects.selected_values_for_tenant(acme)


def test_a_tenant_cannot_rename_or_delete_another_tenants_or_a_default_value(acme, globex):
    value = lov_custom_value_create(model=TaskStatus, tenant=globex, name="Globex only")
    blocked = TaskStatus.objects.get(name="Blocked")

    with pytest.raises(PermissionDenied):
        lov_custom_value_rename(value=value, tenant=acme, name="Hijacked")
    with pytest.raises(PermissionDenied):
        lov_custom_value_delete(value=value, tenant=acme)
    with pytest.raises(PermissionDenied):
        lov_custom_value_delete(value=blocked, tenant=acme)

    value.refresh_from_db()
    assert (value.name, value.deleted) == ("Globex only", None)


def test_rename_rejects_a_taken_name_and_keeps_the_old_one(acme):
    value = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")

    with pytest.raises(ValidationError):
        lov_custom_value_rename(value=value, tenant=acme, name="blocked")

    value.refresh_from_db()
    assert value.name == "Escalated"


def test_select_refuses_mandatory_and_another_tenants_values(acme, globex):
    foreign = TaskStatus.objects.create_for_tenant(globex, "Globex only")

    with pytest.raises(ValidationError):
        lov_value_select(value=TaskStatus.objects.get(name="Done"), tenant=acme, selected=False)
    with pytest.raises(PermissionDenied):
        lov_value_select(value=foreign, tenant=acme, selected=True)

    assert not TaskStatusSelection.objects.filter(lov_tenant=acme).exists()
