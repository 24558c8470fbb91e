"""Forms of the group pages and of the CSV import."""

from collections.abc import Sequence
from typing import Any

from django import forms

from apps.accounts.grants import grantable_permissions
from apps.core.inputs import GuardedTextForm, parse_id
from apps.people.groups import GROUP_NAME_MAX
from apps.people.imports import MAX_BYTES


class GroupNameForm(GuardedTextForm, forms.Form):
    """A group's name, for creating or renaming it."""

    name = forms.CharField(label="Group name", max_length=GROUP_NAME_MAX)


class PeopleChoiceForm(GuardedTextForm, forms.Form):
    """Several people, by id: those to add to a group, or to remove from it."""

    users = forms.MultipleChoiceField(label="People", widget=forms.SelectMultiple(attrs={"size": 10}))

    def __init__(self, *args: Any, people: Sequence[tuple[int | str, str]] = (), label: str = "People", **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["users"]
        field.label = label
        field.choices = [(str(pk), text) for pk, text in people]  # type: ignore[attr-defined]
        field.error_messages["required"] = "Select at least one person."

    def user_ids(self) -> list[int]:
        return [pk for pk in (parse_id(value) for value in self.cleaned_data["users"]) if pk is not None]


class GroupPermissionsForm(GuardedTextForm, forms.Form):
    """The declared permissions a group holds; only those the product declares are offered."""

    permissions = forms.MultipleChoiceField(
        label="Permissions of the group's members", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = [  # type: ignore[attr-defined]
            (permission.name, permission.label) for permission in grantable_permissions()
        ]


class PeopleImportForm(GuardedTextForm, forms.Form):
    """A CSV file of people."""

    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, with a first line naming the columns: email,name,role,groups.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        return upload
