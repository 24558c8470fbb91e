"""Members' forms that use lists of values: a task and a job title."""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from phonenumber_field.formfields import PhoneNumberField

from apps.core.inputs import GuardedTextForm
from apps.lov.forms import lov_choice_field_for
from apps.projects.lists.models import JobTitle, TaskStatus
from apps.projects.models import Task
from apps.projects.selectors import assignable_people


class PersonChoiceField(forms.ModelChoiceField):
    """People by their full name, with the username when they have none."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class TaskForm(GuardedTextForm, forms.ModelForm):
    """A task's title, status and assignee; the status choices are what the tenant offers (plus the task's own)."""

    class Meta:
        model = Task
        fields = ["title", "status", "due_date", "assignee"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, tenant: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.status if self.instance.pk else None
        self.fields["status"] = lov_choice_field_for(
            model=TaskStatus, tenant=tenant, current=current, label="Status", empty_label=None
        )
        people = assignable_people()
        if self.instance.pk and self.instance.assignee_id:
            # A deactivated assignee stays selectable for the task that already has them.
            people = (people | User.objects.filter(pk=self.instance.assignee_id)).distinct()
        field = PersonChoiceField(queryset=people, required=False, empty_label="Nobody", label="Assigned to")
        # One query for the options (the lazy iterator would count the people first); validation still
        # looks the posted id up in `people`.
        field.choices = [("", "Nobody"), *((person.pk, field.label_from_instance(person)) for person in people)]
        self.fields["assignee"] = field


class JobTitleForm(GuardedTextForm, forms.Form):
    """A job title the tenant offers, or none ("No job title" clears it)."""

    job_title = forms.ModelChoiceField(queryset=JobTitle.objects.none(), label="Job title", required=False)

    def __init__(self, *args: Any, tenant: Any, current: JobTitle | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["job_title"] = lov_choice_field_for(
            model=JobTitle,
            tenant=tenant,
            current=current,
            label="Job title",
            empty_label="No job title",
            required=False,
            initial=current.pk if current else None,
        )


class NameForm(GuardedTextForm, forms.Form):
    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")


class EmailForm(GuardedTextForm, forms.Form):
    email = forms.EmailField(label="New email address", max_length=254)


class PhoneForm(GuardedTextForm, forms.Form):
    phone_number = PhoneNumberField(
        label="Mobile phone number",
        help_text="In international format, with the country code: +44 7911 123456.",
        region=None,
    )


class PhoneCodeForm(GuardedTextForm, forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label="Code from the text message",
        error_messages={"invalid": "The code has 6 digits."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
