"""The portal's live settings: what superadmins may change at runtime. Defaults come from settings.py.

An app with settings of its own may declare them in a `livesettings.py` module of its own (autodiscovered).
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.urls import NoReverseMatch, reverse

from apps.livesettings.registry import LiveSettingMixin, TenantOverride, live_setting
from apps.preferences.types import (
    BooleanPreference,
    LongStringPreference,
    SecondsPreference,
    Section,
    StringPreference,
)

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

sessions = Section("sessions", "Sessions", "How long people stay signed in.")
maintenance = Section("maintenance", "Maintenance", "Take every tenant's pages offline while you work on the site.")
email = Section("email", "Email", "How mail from the portal is addressed.")
signin = Section("signin", "Sign-in", "How the portal slows down password guessing.")


@live_setting
class SessionExpireSeconds(LiveSettingMixin, SecondsPreference):
    setting = "SESSION_EXPIRE_SECONDS"
    section = sessions
    verbose_name = "Session expiry"
    help_text = (
        "How long a signed-in session lasts: since login, or since the last request when "
        "“Expire after inactivity” is on. Applies to open sessions on their next request."
    )
    field_kwargs = {"min_value": MINUTE, "max_value": 30 * DAY}
    unit = "seconds"
    tenant_override = TenantOverride.LOWER


@live_setting
class SessionExpireAfterLastActivity(LiveSettingMixin, BooleanPreference):
    setting = "SESSION_EXPIRE_AFTER_LAST_ACTIVITY"
    section = sessions
    verbose_name = "Expire after inactivity"
    help_text = "On: the expiry counts from each person's last request. Off: from when they logged in."


@live_setting
class SessionExpireGraceSeconds(LiveSettingMixin, SecondsPreference):
    setting = "SESSION_EXPIRE_GRACE_SECONDS"
    section = sessions
    verbose_name = "Activity grace period"
    help_text = (
        "With “Expire after inactivity”, the last request is recorded at most this often, so a burst of "
        "requests writes the session once. A session may then end up to this much early (at most half the expiry)."
    )
    field_kwargs = {"min_value": 0, "max_value": 10 * MINUTE}
    unit = "seconds"


@live_setting
class SessionExpireWarningSeconds(LiveSettingMixin, SecondsPreference):
    setting = "SESSION_EXPIRE_WARNING_SECONDS"
    section = sessions
    verbose_name = "Expiry warning"
    help_text = "How long before a session ends its pages offer to stay signed in; 0 for no warning."
    field_kwargs = {"min_value": 0, "max_value": HOUR}
    unit = "seconds"


@live_setting
class LoginLockoutSeconds(LiveSettingMixin, SecondsPreference):
    setting = "LOGIN_LOCKOUT_SECONDS"
    section = signin
    verbose_name = "Lockout after failed sign-ins"
    help_text = (
        "After too many wrong passwords for one username, or from one address, signing in with that username or "
        "from that address is refused for this long. Applies to every tenant, the console and the admin."
    )
    field_kwargs = {"min_value": MINUTE, "max_value": DAY}
    unit = "seconds"


@live_setting
class MaintenanceMode(LiveSettingMixin, BooleanPreference):
    setting = "MAINTENANCE_MODE"
    section = maintenance
    verbose_name = "Maintenance mode"
    help_text = "On: every tenant's pages answer 503 with the message below. The console and /healthz keep working."
    confirm_message = (
        "Every page of every tenant will answer “503 Service Unavailable” with the maintenance message, "
        "on the next request, until you turn maintenance mode off. Members cannot work meanwhile."
    )


class _RequiredTextMixin:
    """Refuse empty text (form fields skip validators for empty values, so check after cleaning)."""

    empty_message = "Enter a value."

    def clean(self, value: Any) -> Any:
        cleaned = super().clean(value)  # type: ignore[misc]
        if not str(cleaned).strip():
            raise ValidationError(self.empty_message, code="required")
        return cleaned


@live_setting
class MaintenanceMessage(_RequiredTextMixin, LiveSettingMixin, LongStringPreference):
    setting = "MAINTENANCE_MESSAGE"
    section = maintenance
    verbose_name = "Maintenance message"
    help_text = "What people see while maintenance mode is on."
    field_kwargs = {"max_length": 1000}
    empty_message = "Enter the message people should see."


@live_setting
class MaintenanceRetryAfterSeconds(LiveSettingMixin, SecondsPreference):
    setting = "MAINTENANCE_RETRY_AFTER_SECONDS"
    section = maintenance
    verbose_name = "Expected downtime"
    help_text = "Sent as Retry-After with the 503 answers, so clients and crawlers know when to come back."
    field_kwargs = {"min_value": MINUTE, "max_value": DAY}
    unit = "seconds"


class _EmailAddressMixin(_RequiredTextMixin):
    empty_message = "Enter an email address."

    def validate(self, value: str) -> None:
        # Accept "Name <address>" as Django's mail code does, checking the address part.
        address = value.rsplit("<", 1)[-1].rstrip(">").strip()
        validate_email(address)


@live_setting
class DefaultFromEmail(_EmailAddressMixin, LiveSettingMixin, StringPreference):
    setting = "DEFAULT_FROM_EMAIL"
    section = email
    verbose_name = "Sender of portal mail"
    help_text = "The From address of mail the portal sends (notifications, password resets)."
    field_kwargs = {"max_length": 254}


@live_setting
class ServerEmail(_EmailAddressMixin, LiveSettingMixin, StringPreference):
    setting = "SERVER_EMAIL"
    section = email
    verbose_name = "Sender of error reports"
    help_text = "The From address of error reports mailed to the site's administrators."
    field_kwargs = {"max_length": 254}


class _RedirectTargetMixin(_RequiredTextMixin):
    empty_message = "Enter a path, a URL or a URL name."

    def validate(self, value: str) -> None:
        # A path or an http(s) URL goes as it is; anything else must be a URL name of the tenant or public site.
        text = value.strip()
        if text.startswith("/") and not text.startswith("//"):
            return
        if text.startswith(("http://", "https://")):
            URLValidator(schemes=["http", "https"])(text)
            return
        for urlconf in (settings.ROOT_URLCONF, getattr(settings, "PUBLIC_SCHEMA_URLCONF", settings.ROOT_URLCONF)):
            try:
                reverse(text, urlconf=urlconf)
            except NoReverseMatch:
                continue
            return
        raise ValidationError(
            "Enter a path starting with /, an http(s) URL, or the name of a page (such as “login”).", code="invalid"
        )


@live_setting
class SessionTimeoutRedirect(_RedirectTargetMixin, LiveSettingMixin, StringPreference):
    setting = "SESSION_TIMEOUT_REDIRECT"
    section = sessions
    verbose_name = "After expiry, go to"
    help_text = (
        "Where people whose session has expired are sent, with a link back to their page: a path (/goodbye/), "
        "an http(s) URL, or a page name (login, the default, is the login page)."
    )
    field_kwargs = {"max_length": 500}


@live_setting
class EmailHostPassword(LiveSettingMixin, StringPreference):
    setting = "EMAIL_HOST_PASSWORD"
    section = email
    verbose_name = "Mail server password"
    help_text = (
        "The password the portal signs in to the mail server (EMAIL_HOST) with. Secret: it can be set here, "
        "never read back. Applies to the next mail sent."
    )
    secret = True
    widget = forms.PasswordInput(render_value=False)
    field_kwargs = {"max_length": 500}
