"""Console forms for the tenant lifecycle."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password

from apps.core.inputs import GuardedTextForm
from apps.tenants.models import Tenant
from apps.tenants.services import OwnerAccount, tenant_create_errors
from apps.tenants.validation import validate_subdomain, validate_tenant_name


class TenantCreateForm(GuardedTextForm, forms.Form):
    name = forms.CharField(max_length=100, validators=[validate_tenant_name], help_text="Shown in the tenant's portal.")
    subdomain = forms.CharField(
        max_length=40,
        validators=[validate_subdomain],
        help_text="Lowercase letters, digits and hyphens.",
    )
    owner_username = forms.CharField(max_length=150, required=False, label="Owner's username")
    owner_email = forms.EmailField(required=False, label="Owner's email")
    owner_password = forms.CharField(
        required=False, label="Owner's password", widget=forms.PasswordInput(render_value=False)
    )
    copy_from = forms.ModelChoiceField(
        queryset=Tenant.objects.none(),
        required=False,
        to_field_name="schema_name",
        label="Copy configuration from",
        empty_label="— start from the defaults —",
        help_text="Start from another organisation's preferences, notification defaults and lists.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        example = f"acme.{settings.PORTAL_BASE_DOMAIN}"
        self.fields["subdomain"].help_text = f"Lowercase letters, digits and hyphens: acme is served at {example}."
        copyable = Tenant.objects.filter(state=Tenant.State.READY).exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        self.fields["copy_from"].queryset = copyable  # type: ignore[attr-defined]

    def clean_subdomain(self) -> str:
        return self.cleaned_data["subdomain"].strip().lower()

    def clean(self) -> dict[str, Any]:
        # Check every field, whatever else is wrong, so the person sees all the errors in one round: a taken
        # subdomain is reported beside an incomplete owner, not only once the owner is fixed.
        cleaned = super().clean() or {}
        username, password = cleaned.get("owner_username"), cleaned.get("owner_password")
        if bool(username) != bool(password):
            self.add_error(None, "Give the owner both a username and a password, or neither.")
        if password:
            try:
                validate_password(password)
            except forms.ValidationError as exc:
                self.add_error("owner_password", exc)
        service_errors = tenant_create_errors(
            name=cleaned.get("name", ""),
            subdomain=cleaned.get("subdomain", ""),
            owner_username=username or None,
            owner_email=cleaned.get("owner_email", ""),
            copy_from=self.copy_from_schema(),
        )
        for field, errors in service_errors.items():
            if field not in self.errors:  # the field's own validators already said what is wrong with it
                for error in errors:
                    self.add_error(field, error)
        return cleaned

    def copy_from_schema(self) -> str | None:
        """Return the schema name of the tenant whose configuration to copy, or None."""
        tenant = self.cleaned_data.get("copy_from")
        return tenant.schema_name if tenant is not None else None

    def owner_account(self) -> OwnerAccount | None:
        """Return the owner to create with the tenant, with the password already hashed."""
        if not self.cleaned_data.get("owner_username"):
            return None
        return OwnerAccount(
            username=self.cleaned_data["owner_username"],
            email=self.cleaned_data.get("owner_email", ""),
            password_hash=make_password(self.cleaned_data["owner_password"]),
        )


class TenantDeleteForm(GuardedTextForm, forms.Form):
    confirm_subdomain = forms.CharField(
        label="Type the tenant's subdomain to confirm",
        # Focus lands in the field whenever the dialog is rendered open (a refused value, or no JavaScript).
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
        error_messages={"required": "Type the tenant's subdomain to confirm the deletion."},
    )


class OwnerInvitationForm(GuardedTextForm, forms.Form):
    email = forms.EmailField(label="New owner's email", help_text="They receive an invitation to join as owner.")
