import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.lov import LOVValueType
from apps.projects.lists.models import TaskStatus, TaskStatusSelection


def names(queryset):
    return sorted(value.name for value in queryset)


def test_for_tenant_has_defaults_and_only_that_tenants_custom_values(acme, globex):
    TaskStatus.objects.create_for_tenant(acme, "Acme only")
    TaskStatus.objects.create_for_tenant(globex, "Globex only")

    acme_names = names(TaskStatus.objects.for_tenant(acme))
    globex_names = names(TaskStatus.objects.for_tenant(globex))

    assert "Acme only" in acme_names and "Globex only" not in acme_names
    assert "Globex only" in globex_names and "Acme only" not in globex_names
    assert {"To do", "In progress", "Done", "Blocked"} <= set(acme_names)


def test_for_tenant_chains_with_filters_and_never_repeats(acme, globex):
    value = TaskStatus.objects.create_for_tenant(acme, "Shared name")
    TaskStatusSelection.objects.create(lov_tenant=acme, lov_value=value)
    TaskStatusSelection.objects.create(lov_tenant=globex, lov_value=TaskStatus.objects.get(name="Blocked"))
    TaskStatusSelection.objects.create(lov_tenant=acme, lov_value=TaskStatus.objects.get(name="Blocked"))

    filtered = TaskStatus.objects.filter(name__startswith="B").for_tenant(acme)
    selected = TaskStatusSelection.objects.selected_values_for_tenant(acme)

    assert names(filtered) == ["Blocked"]
    assert len(list(selected)) == len({v.pk for v in selected})


def test_selection_queries_differ_per_tenant(acme, globex):
    blocked = TaskStatus.objects.get(name="Blocked")
    review = TaskStatus.objects.get(name="In review")
    acme_custom = TaskStatus.objects.create_for_tenant(acme, "Awaiting sign-off")
    globex_custom = TaskStatus.objects.create_for_tenant(globex, "Needs QA")
    TaskStatusSelection.objects.create(lov_tenant=acme, lov_value=blocked)
    TaskStatusSelection.objects.create(lov_tenant=acme, lov_value=acme_custom)
    TaskStatusSelection.objects.create(lov_tenant=globex, lov_value=review)

    acme_available = names(TaskStatusSelection.objects.values_for_tenant(acme))
    acme_selected = names(TaskStatusSelection.objects.selected_values_for_tenant(acme))
    globex_selected = names(TaskStatusSelection.objects.selected_values_for_tenant(globex))
    globex_choices = names(TaskStatusSelection.objects.selections_for_tenant(globex))

    assert "In review" in acme_available and "Needs QA" not in acme_available
    assert acme_selected == ["Awaiting sign-off", "Blocked", "Done", "In progress", "To do"]
    assert globex_selected == ["Done", "In progress", "In review", "To do"]
    assert globex_choices == globex_selected
    assert globex_custom.name not in globex_selected  # created but not selected


def test_selections_for_tenant_keeps_a_records_archived_value(acme):
    value = TaskStatus.objects.create_for_tenant(acme, "Old status")
    value.delete()

    choices = names(TaskStatusSelection.objects.selections_for_tenant(acme, keep=value))

    assert "Old status" in choices
    assert "Old status" not in names(TaskStatusSelection.objects.selections_for_tenant(acme))


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "blank"),
        ("   ", "required"),
        ("x" * 101, "max_length"),
        ("to DO", "duplicate"),
        ("  Blocked ", "duplicate"),
    ],
)
def test_invalid_or_duplicate_custom_names_are_rejected_with_nothing_written(acme, name, code):
    before = TaskStatus.objects.count()

    with pytest.raises(ValidationError) as caught:
        TaskStatus.objects.create_for_tenant(acme, name)

    assert code in [error.code for error in caught.value.error_dict["name"]]
    assert TaskStatus.objects.count() == before


def test_custom_names_are_unique_per_tenant_case_insensitive_and_trimmed(acme, globex):
    TaskStatus.objects.create_for_tenant(acme, "On hold")

    with pytest.raises(ValidationError):
        TaskStatus.objects.create_for_tenant(acme, "  on   HOLD ")
    other = TaskStatus.objects.create_for_tenant(globex, "On hold")

    assert other.lov_tenant == globex


def test_a_deleted_name_can_be_used_again(acme):
    TaskStatus.objects.create_for_tenant(acme, "Parked").delete()

    again = TaskStatus.objects.create_for_tenant(acme, "parked")

    assert again.deleted is None


def test_create_mandatory_and_optional_reject_a_default_name(db):
    TaskStatus.objects.create_optional("Escalated")

    with pytest.raises(ValidationError):
        TaskStatus.objects.create_mandatory("ESCALATED")


def test_database_refuses_a_duplicate_that_skips_validation(acme):
    TaskStatus.objects.create_for_tenant(acme, "Racing")

    with pytest.raises(Exception, match="unique"):
        TaskStatus(name="racing", value_type=LOVValueType.CUSTOM, lov_tenant=acme).save()


def test_queryset_delete_soft_deletes_custom_values_and_keeps_rows(acme):
    TaskStatus.objects.create_for_tenant(acme, "One")
    TaskStatus.objects.create_for_tenant(acme, "Two")

    count, _ = TaskStatus.objects.filter(lov_tenant=acme).delete()

    assert count == 2
    assert TaskStatus.objects.filter(lov_tenant=acme).count() == 2
    assert not TaskStatus.objects.for_tenant(acme).filter(lov_tenant=acme).exists()


def test_mandatory_and_optional_values_cannot_be_deleted(acme):
    mandatory = TaskStatus.objects.get(name="To do")

    with pytest.raises(ValidationError):
        mandatory.delete()
    with pytest.raises(ValidationError):
        TaskStatus.objects.filter(name__in=["Blocked", "To do"]).delete()

    assert TaskStatus.objects.for_tenant(acme).filter(name__in=["Blocked", "To do"]).count() == 2


def test_manager_hooks_run_around_creation(acme, monkeypatch):
    calls = []

    def before_create(*args, **kwargs):
        calls.append(("before", args, kwargs))

    def after_create(obj, *args, **kwargs):
        calls.append(("after", obj.pk, kwargs["name"]))

    monkeypatch.setattr(TaskStatus.objects, "before_create", before_create)
    monkeypatch.setattr(TaskStatus.objects, "after_create", after_create)

    value = TaskStatus.objects.create_for_tenant(acme, "Hooked")

    assert calls == [
        ("before", (), {"name": "Hooked", "value_type": "custom", "lov_tenant": acme}),
        ("after", value.pk, "Hooked"),
    ]


def test_an_after_create_hook_that_fails_rolls_the_value_back(acme, monkeypatch):
    def after_create(obj, *args, **kwargs):
        raise RuntimeError("refused")

    monkeypatch.setattr(TaskStatus.objects, "after_create", after_create)

    with pytest.raises(RuntimeError):
        TaskStatus.objects.create_for_tenant(acme, "Never")

    assert not TaskStatus.objects.filter(name="Never").exists()


def test_values_live_in_the_public_schema(acme):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = %s", [TaskStatus._meta.db_table]
        )
        schemas = {row[0] for row in cursor.fetchall()}

    assert schemas == {"public"}
