import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from apps.lov import LOVValueType
from apps.lov.services import (
    StaleValueError,
    lov_custom_value_create,
    lov_custom_value_delete,
    lov_custom_value_rename,
    lov_defaults_sync,
    lov_selections_sync,
    lov_value_label_set,
    lov_value_move,
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


# --- Safe renames in code, workflow order ---------------------------------------------------------


def test_a_default_renamed_in_code_keeps_its_row_selections_and_records(acme, monkeypatch, capsys):
    from django_tenants.utils import schema_context

    from apps.projects.models import Task

    review = TaskStatus.objects.get(name="In review", lov_tenant=None)
    lov_value_select(value=review, tenant=acme, selected=True)
    with schema_context("acme"):
        task = Task.objects.create(title="Check", status=review)
    renamed = {**TaskStatus.lov_defaults}
    del renamed["In review"]
    renamed["Under review"] = {**OPT, "renamed_from": "In review"}
    monkeypatch.setattr(TaskStatus, "lov_defaults", renamed)

    call_command("update_lovs")

    review.refresh_from_db()
    assert (review.name, review.deleted) == ("Under review", None)
    assert TaskStatusSelection.objects.filter(lov_tenant=acme, lov_value=review).exists()
    with schema_context("acme"):
        assert Task.objects.get(pk=task.pk).status.name == "Under review"
    assert "renamed “In review” → “Under review”" in capsys.readouterr().out
    assert not TaskStatus.objects.filter(name="In review").exists()
    assert lov_defaults_sync(model=TaskStatus).unchanged  # the second run finds nothing to do


def test_a_rename_whose_old_name_is_still_declared_adds_the_new_one(monkeypatch, db):
    monkeypatch.setattr(
        TaskStatus, "lov_defaults", {**TaskStatus.lov_defaults, "Paused": {**OPT, "renamed_from": "Blocked"}}
    )

    report = lov_defaults_sync(model=TaskStatus)

    assert report.added == ["Paused"] and report.renamed == []
    assert TaskStatus.objects.filter(name="Blocked", deleted__isnull=True).exists()


def test_task_statuses_are_offered_in_workflow_order_and_custom_values_after(acme):
    lov_custom_value_create(model=TaskStatus, tenant=acme, name="Awaiting sign-off")
    lov_value_select(value=TaskStatus.objects.get(name="Cancelled"), tenant=acme, selected=True)

    names = [value.name for value in TaskStatusSelection.objects.selected_values_for_tenant(acme)]

    assert names == ["To do", "In progress", "Done", "Cancelled", "Awaiting sign-off"]


def test_a_list_without_a_declared_order_is_by_name(acme):
    from apps.projects.lists.models import JobTitle, JobTitleSelection

    names = [value.name for value in JobTitleSelection.objects.selected_values_for_tenant(acme)]

    assert names == sorted(names) and JobTitle.objects.filter(lov_default_position__isnull=False).count() == 0


# --- Order and labels per tenant ------------------------------------------------------------------


def offered(tenant):
    return [value.lov_display for value in TaskStatusSelection.objects.selected_values_for_tenant(tenant)]


def test_moving_a_value_changes_this_tenants_order_only(acme, globex):
    done = TaskStatus.objects.get(name="Done")

    lov_value_move(value=done, tenant=acme, offset=-1)
    lov_value_move(value=done, tenant=acme, offset=-1)
    lov_value_move(value=TaskStatus.objects.get(name="To do"), tenant=acme, offset=-5)  # already first: stays

    assert offered(acme) == ["To do", "Done", "In progress"]
    assert offered(globex) == ["To do", "In progress", "Done"]


def test_a_value_added_after_reordering_goes_to_the_end(acme):
    lov_value_move(value=TaskStatus.objects.get(name="Done"), tenant=acme, offset=-2)

    lov_value_select(value=TaskStatus.objects.get(name="Blocked"), tenant=acme, selected=True)

    assert offered(acme) == ["Done", "To do", "In progress", "Blocked"]


def test_moving_a_value_the_tenant_does_not_offer_is_refused(acme):
    with pytest.raises(ValidationError, match="not offered"):
        lov_value_move(value=TaskStatus.objects.get(name="Blocked"), tenant=acme, offset=1)


def test_a_tenant_label_shows_instead_of_the_shared_name_for_that_tenant_only(acme, globex):
    done = TaskStatus.objects.get(name="Done")

    lov_value_label_set(value=done, tenant=acme, label="Finished")

    done.refresh_from_db()
    assert done.name == "Done"
    assert offered(acme) == ["To do", "In progress", "Finished"]
    assert offered(globex) == ["To do", "In progress", "Done"]


def test_an_empty_label_shows_the_name_again(acme):
    done = TaskStatus.objects.get(name="Done")
    lov_value_label_set(value=done, tenant=acme, label="Finished")

    lov_value_label_set(value=done, tenant=acme, label="  ", expected="Finished")

    assert offered(acme)[-1] == "Done"


def test_labels_are_refused_for_custom_unoffered_or_clashing_values_and_when_stale(acme):
    custom = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")
    done = TaskStatus.objects.get(name="Done")

    with pytest.raises(ValidationError, match="Rename"):
        lov_value_label_set(value=custom, tenant=acme, label="Hot")
    with pytest.raises(ValidationError, match="Offer"):
        lov_value_label_set(value=TaskStatus.objects.get(name="Blocked"), tenant=acme, label="Stuck")
    with pytest.raises(ValidationError, match="already shown"):
        lov_value_label_set(value=done, tenant=acme, label="escalated")
    with pytest.raises(StaleValueError):
        lov_value_label_set(value=done, tenant=acme, label="Finished", expected="Complete")
    assert offered(acme)[-2:] == ["Done", "Escalated"]


def test_a_selection_save_keeps_a_mandatory_values_label_and_place(acme):
    done = TaskStatus.objects.get(name="Done")
    lov_value_label_set(value=done, tenant=acme, label="Finished")
    lov_value_move(value=done, tenant=acme, offset=-2)

    lov_selections_sync(model=TaskStatus, tenant=acme, values=[])

    assert offered(acme) == ["Finished", "To do", "In progress"]


# --- Merge on delete ------------------------------------------------------------------------------


def test_delete_with_move_moves_the_records_and_soft_deletes_in_one_go(acme):
    from django_tenants.utils import schema_context

    from apps.projects.models import Task

    old = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Parked")
    done = TaskStatus.objects.get(name="Done")
    with schema_context("acme"):
        Task.objects.create(title="A", status=old)
        Task.objects.create(title="B", status=old)
        lov_custom_value_delete(value=old, tenant=acme, move_to=done)
        assert sorted(Task.objects.values_list("status__name", flat=True)) == ["Done", "Done"]
    old.refresh_from_db()
    assert old.deleted is not None


def test_delete_with_a_target_not_offered_moves_and_deletes_nothing(acme, globex):
    from django_tenants.utils import schema_context

    from apps.projects.models import Task

    old = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Parked")
    other = lov_custom_value_create(model=TaskStatus, tenant=globex, name="Globex only")
    with schema_context("acme"):
        task = Task.objects.create(title="A", status=old)
        for target in (other, old, TaskStatus.objects.get(name="Blocked")):
            with pytest.raises(ValidationError):
                lov_custom_value_delete(value=old, tenant=acme, move_to=target)
        assert Task.objects.get(pk=task.pk).status_id == old.pk
    old.refresh_from_db()
    assert old.deleted is None
