"""The two lists the demo domain uses. Defaults declare what every tenant has and what it may add."""

from apps.lov import LOVValueType
from apps.lov.models import AbstractLOVSelection, AbstractLOVValue

MANDATORY = {"value_type": LOVValueType.MANDATORY}
OPTIONAL = {"value_type": LOVValueType.OPTIONAL}


class JobTitle(AbstractLOVValue):
    """A member's job title, shown on their profile."""

    lov_tenant_model = "tenants.Tenant"
    lov_selections_model = "projects_lists.JobTitleSelection"
    lov_defaults = {
        "Manager": MANDATORY,
        "Team member": MANDATORY,
        "Engineer": OPTIONAL,
        "Designer": OPTIONAL,
        "Sales representative": OPTIONAL,
        "Support agent": OPTIONAL,
        "Accountant": OPTIONAL,
        "Intern": OPTIONAL,
    }

    class Meta(AbstractLOVValue.Meta):
        verbose_name = "job title"
        verbose_name_plural = "job titles"


class JobTitleSelection(AbstractLOVSelection):
    lov_tenant_model = "tenants.Tenant"
    lov_value_model = "projects_lists.JobTitle"

    class Meta(AbstractLOVSelection.Meta):
        verbose_name = "job title selection"


class TaskStatus(AbstractLOVValue):
    """Where a task stands, in workflow order: a new task starts at the first one ("To do")."""

    lov_tenant_model = "tenants.Tenant"
    lov_selections_model = "projects_lists.TaskStatusSelection"
    lov_defaults_ordered = True
    lov_defaults = {
        "To do": MANDATORY,
        "In progress": MANDATORY,
        "Blocked": OPTIONAL,
        "Waiting for customer": OPTIONAL,
        "In review": OPTIONAL,
        "Done": MANDATORY,
        "Cancelled": OPTIONAL,
    }

    class Meta(AbstractLOVValue.Meta):
        verbose_name = "task status"
        verbose_name_plural = "task statuses"


class TaskStatusSelection(AbstractLOVSelection):
    lov_tenant_model = "tenants.Tenant"
    lov_value_model = "projects_lists.TaskStatus"

    class Meta(AbstractLOVSelection.Meta):
        verbose_name = "task status selection"
