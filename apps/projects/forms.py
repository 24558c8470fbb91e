"""Members' forms that use lists of values: a task and a job title."""

from typing import Any

from django import forms

from apps.core.inputs import GuardedTextForm
from apps.lov.forms import lov_choice_field_for
from apps.projects.lists.models import JobTitle, TaskStatus
from apps.projects.models import Task


class TaskForm(GuardedTextForm, forms.ModelForm):
    """A task's title and status; the status choices are what the tenant offers (plus the task's own)."""

    class Meta:
        model = Task
        fields = ["title", "status", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, tenant: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.status if self.instance.pk else None
        self.fields["status"] = lov_choice_field_for(
            model=TaskStatus, tenant=tenant, current=current, label="Status", empty_label=None
        )


class JobTitleForm(GuardedTextForm, forms.Form):
    job_title = forms.ModelChoiceField(queryset=JobTitle.objects.none(), label="Job title")

    def __init__(self, *args: Any, tenant: Any, current: JobTitle | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["job_title"] = lov_choice_field_for(
            model=JobTitle,
            tenant=tenant,
            current=current,
            label="Job title",
            empty_label="Choose your job title",
            initial=current.pk if current else None,
        )
