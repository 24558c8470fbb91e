"""Django's password reset forms, with the portal's guard on free text (see apps.core.inputs)."""

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from apps.core.inputs import GuardedTextForm


class PasswordResetRequestForm(GuardedTextForm, PasswordResetForm):
    """The address to send a reset link to.

    Unlike Django's form, active people without a usable password get a link too: people imported from a file
    have none and set their first password this way. Inactive people (invited, deactivated) get nothing.
    """

    def get_users(self, email: str) -> Iterator[Any]:
        return iter(get_user_model()._default_manager.filter(email__iexact=email, is_active=True))


class NewPasswordForm(GuardedTextForm, SetPasswordForm):
    """A new password, checked by AUTH_PASSWORD_VALIDATORS."""
