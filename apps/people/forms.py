"""Forms of the people pages: invite, add, change role or activity, accept an invitation."""

from django import forms
from django.contrib.auth.models import Group

from apps.core.inputs import GuardedTextForm
from apps.core.roles import Role


def _groups_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their notification defaults and permissions come with the groups.",
    )


class InvitationForm(GuardedTextForm, forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)
    groups = _groups_field()


class PersonAddForm(GuardedTextForm, forms.Form):
    email = forms.EmailField(label="Email address", help_text="They sign in with it.")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)
    groups = _groups_field()


class RoleForm(GuardedTextForm, forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ActiveForm(GuardedTextForm, forms.Form):
    active = forms.TypedChoiceField(choices=[("1", "Active"), ("0", "Deactivated")], coerce=lambda value: value == "1")


class InvitationAcceptForm(GuardedTextForm, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "The two passwords differ.")
        return data
