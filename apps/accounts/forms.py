"""Django's password reset forms, with the portal's guard on free text (see apps.core.inputs)."""

from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from apps.core.inputs import GuardedTextForm


class PasswordResetRequestForm(GuardedTextForm, PasswordResetForm):
    """The address to send a reset link to; people without a usable password (invited) get none."""


class NewPasswordForm(GuardedTextForm, SetPasswordForm):
    """A new password, checked by AUTH_PASSWORD_VALIDATORS."""
