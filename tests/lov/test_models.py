import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test.utils import isolate_apps

from apps.lov.checks import lov_models_check
from apps.lov.models import AbstractLOVSelection, AbstractLOVValue
from apps.projects.lists.models import TaskStatus


def test_value_model_without_tenant_model_fails_naming_model_and_attribute():
    with pytest.raises(ImproperlyConfigured, match=r"BrokenValue must set the class attribute `lov_tenant_model`"):

        class BrokenValue(AbstractLOVValue):
            lov_selections_model = "projects_lists.TaskStatusSelection"

            class Meta(AbstractLOVValue.Meta):
                app_label = "projects_lists"


def test_value_model_without_selections_model_fails_naming_it():
    with pytest.raises(ImproperlyConfigured, match=r"BrokenValue2 must set the class attribute `lov_selections_model`"):

        class BrokenValue2(AbstractLOVValue):
            lov_tenant_model = "tenants.Tenant"

            class Meta(AbstractLOVValue.Meta):
                app_label = "projects_lists"


def test_selection_model_without_value_model_fails_naming_it():
    with pytest.raises(ImproperlyConfigured, match=r"BrokenSelection must set the class attribute `lov_value_model`"):

        class BrokenSelection(AbstractLOVSelection):
            lov_tenant_model = "tenants.Tenant"

            class Meta(AbstractLOVSelection.Meta):
                app_label = "projects_lists"


def test_system_check_passes_for_the_project_lists():
    assert lov_models_check() == []


def test_system_check_reports_a_default_with_a_bad_value_type(monkeypatch):
    monkeypatch.setattr(TaskStatus, "lov_defaults", {"Odd": {"value_type": "custom"}})

    errors = lov_models_check()

    assert [error.id for error in errors] == ["lov.E003"]
    assert "projects_lists.TaskStatus.lov_defaults['Odd']" in errors[0].msg


# --- The selection model's class attributes and hooks, LOV_MODEL_BASE --------------------------------


@isolate_apps("apps.projects.lists", "apps.tenants")
def test_selection_model_takes_on_delete_and_related_names_from_class_attributes():
    from django.db import models

    class StatusPick(AbstractLOVSelection):
        lov_tenant_model = "tenants.Tenant"
        lov_value_model = "projects_lists.TaskStatus"
        lov_tenant_on_delete = models.PROTECT
        lov_value_model_related_name = "status_picks"
        lov_value_model_related_query_name = "status_pick"

        class Meta(AbstractLOVSelection.Meta):
            app_label = "projects_lists"

    tenant_field, value_field = StatusPick._meta.get_field("lov_tenant"), StatusPick._meta.get_field("lov_value")

    assert tenant_field.remote_field.on_delete is models.PROTECT
    assert value_field.remote_field.related_name == "status_picks"
    assert value_field.remote_field.related_query_name == "status_pick"


def test_selection_model_defaults_keep_the_documented_names():
    from django.db import models

    from apps.projects.lists.models import TaskStatusSelection

    field = TaskStatusSelection._meta.get_field("lov_value")

    assert field.remote_field.related_name == "lov_selections"
    assert TaskStatusSelection._meta.get_field("lov_tenant").remote_field.on_delete is models.CASCADE


def test_selection_save_runs_the_before_and_after_hooks(acme, monkeypatch):
    from apps.projects.lists.models import TaskStatusSelection

    calls = []
    monkeypatch.setattr(TaskStatusSelection, "before_save", lambda self: calls.append(("before", self.pk)))
    monkeypatch.setattr(TaskStatusSelection, "after_save", lambda self: calls.append(("after", self.pk)))

    row = TaskStatusSelection.objects.create(lov_tenant=acme, lov_value=TaskStatus.objects.get(name="Blocked"))

    assert calls == [("before", None), ("after", row.pk)]


def test_the_abstract_models_build_on_django_model_base_by_default():
    from django.db.models.base import ModelBase

    from apps.lov.models import lov_model_base

    assert lov_model_base() is ModelBase
    assert type(AbstractLOVValue).__mro__[1] is ModelBase and type(AbstractLOVSelection).__mro__[1] is ModelBase


def test_lov_model_base_must_be_a_model_metaclass(settings):
    from apps.lov.models import lov_model_base

    settings.LOV_MODEL_BASE = "builtins.type"

    with pytest.raises(ImproperlyConfigured, match="LOV_MODEL_BASE must be"):
        lov_model_base()


def test_lov_model_base_setting_is_the_base_of_every_list_model():
    """In a process started with LOV_MODEL_BASE set, the lists' models are built by that metaclass."""
    import os
    import subprocess
    import sys

    from tests.support.processes import REPO_ROOT

    script = (
        "import django; django.setup();"
        "from apps.lov.models import AbstractLOVValue;"
        "from tests.lov_example.model_base import BUILT, RecordingModelBase;"
        "print(issubclass(type(AbstractLOVValue), RecordingModelBase),"
        " 'TaskStatus' in BUILT, 'TenantCropLOVValue' in BUILT)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.lov_example.settings_model_base"}

    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO_ROOT, capture_output=True, text=True)

    assert out.stdout.split() == ["True", "True", "True"], out.stderr


def test_system_check_reports_a_renamed_from_that_is_not_a_name(monkeypatch):
    monkeypatch.setattr(TaskStatus, "lov_defaults", {"Finished": {"value_type": "mandatory", "renamed_from": 3}})

    errors = lov_models_check()

    assert [error.id for error in errors] == ["lov.E004"]
    assert "projects_lists.TaskStatus.lov_defaults['Finished']['renamed_from']" in errors[0].msg
