import pytest
from django.core.exceptions import ImproperlyConfigured

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
