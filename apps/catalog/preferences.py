"""The portal's preferences: what a tenant calls itself, and how each user likes the portal.

Each preference names where it has an effect (`consumers`: URL names rendered with two values by
tests/catalog/test_consumers.py, which fails for a registered preference without one).
"""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError

from apps.catalog.notifications import billing_invoice, task_assigned, test_message, weekly_digest
from apps.core.widgets import SearchableSelect
from apps.notifications.timing import (
    DIGEST_CHOICES,
    IMMEDIATELY,
    PAUSED_UNTIL_NAME,
    UNSUBSCRIBED_ALL_NAME,
    digest_preference_name,
    pause_parse,
    quiet_preference_name,
    quiet_window_parse,
)
from apps.preferences.registries import global_preferences_registry, user_preferences_registry
from apps.preferences.types import (
    BooleanPreference,
    ChoicePreference,
    IntegerPreference,
    Section,
    StringPreference,
    TimePreference,
)

general = Section("general", "General", "How your organisation appears in the portal.")
appearance = Section("appearance", "Appearance")
locale = Section("locale", "Language and region")


def time_zone_choices() -> list[tuple[str, str]]:
    """Return every IANA time zone (`zoneinfo.available_timezones()`), UTC first, then by name."""
    zones = sorted(zoneinfo.available_timezones() - {"UTC"})
    return [("UTC", "UTC"), *((zone, zone.replace("_", " ")) for zone in zones)]


TIME_ZONES = time_zone_choices()


@global_preferences_registry.register
class SiteTitle(StringPreference):
    section = general
    name = "title"
    consumers = ("home",)
    verbose_name = "Portal title"
    help_text = "Shown in the navigation bar and page titles; leave empty to use the organisation's name."
    default = ""
    field_kwargs = {"max_length": 80}


@global_preferences_registry.register
class SupportEmail(StringPreference):
    section = general
    name = "support_email"
    consumers = ("home",)
    verbose_name = "Support email"
    help_text = "Where members should write when they need help."
    default = ""

    def validate(self, value: str) -> None:
        if value and ("@" not in value or value.startswith("@") or value.endswith("@")):
            raise ValidationError("Enter an email address such as help@example.com.", code="invalid")


@global_preferences_registry.register
class MaxUploadMegabytes(IntegerPreference):
    section = general
    name = "max_upload_mb"
    consumers = ("bundles:owner",)
    verbose_name = "Largest upload (MB)"
    default = 10
    field_kwargs = {"min_value": 1, "max_value": 500}


@global_preferences_registry.register
class WeekStart(ChoicePreference):
    section = locale
    name = "week_start"
    consumers = ("projects:task-week",)
    verbose_name = "First day of the week"
    help_text = "Where weeks start in the portal's week views (Tasks due this week)."
    choices = [("monday", "Monday"), ("sunday", "Sunday"), ("saturday", "Saturday")]
    default = "monday"


@user_preferences_registry.register
class Theme(ChoicePreference):
    section = appearance
    name = "theme"
    consumers = ("home",)
    verbose_name = "Colour theme"
    help_text = "Light, dark, or whatever your device is set to; applies to every page."
    choices = [("light", "Light"), ("dark", "Dark"), ("auto", "Follow my device")]
    default = "auto"


@user_preferences_registry.register
class ItemsPerPage(IntegerPreference):
    section = appearance
    name = "items_per_page"
    consumers = ("projects:task-list",)
    verbose_name = "Items per page"
    help_text = "How many rows long lists show at once."
    default = 25
    field_kwargs = {"min_value": 5, "max_value": 200}


@user_preferences_registry.register
class CompactTables(BooleanPreference):
    section = appearance
    name = "compact_tables"
    consumers = ("projects:task-list",)
    verbose_name = "Compact tables"
    help_text = "Tighter rows in every table, to see more at once."
    default = False


@user_preferences_registry.register
class TimeZone(ChoicePreference):
    section = locale
    name = "time_zone"
    consumers = ("preferences:history",)
    verbose_name = "Time zone"
    help_text = "Dates and times are shown in this zone. Type to search: a city or region, e.g. Paris or America."
    choices = TIME_ZONES
    default = "UTC"

    def get_widget(self) -> SearchableSelect:
        return SearchableSelect(choices=self.get_choices())


# --- When people hear: quiet hours, digests, pause (read by apps.notifications.timing) -----------------------

notifications = Section("notifications", "When you hear", "Quiet hours, email digests and pausing notifications.")
# Each decides when notifications go out (apps.notifications.timing); the member's notification page states it.
WHEN_YOU_HEAR = ("notifications:preferences",)


class _QuietHours(StringPreference):
    """A window such as "22:00-07:00" in the user's time zone; empty means no quiet hours for the backend."""

    section = notifications
    consumers = WHEN_YOU_HEAR
    default = ""
    help_text = "For example 22:00-07:00, in your time zone. Leave empty to receive them at any time."
    field_kwargs = {"max_length": 11, "required": False}

    def validate(self, value: str) -> None:
        try:
            quiet_window_parse(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None


@user_preferences_registry.register
class QuietHoursSms(_QuietHours):
    name = quiet_preference_name("sms")
    verbose_name = "Quiet hours for text messages"


@user_preferences_registry.register
class QuietHoursEmail(_QuietHours):
    name = quiet_preference_name("email")
    verbose_name = "Quiet hours for email"


@user_preferences_registry.register
class QuietHoursInApp(_QuietHours):
    name = quiet_preference_name("in_app")
    verbose_name = "Quiet hours for in-app notifications"


def _digest_preference(category: str) -> type[ChoicePreference]:
    return type(
        f"Digest{category.replace(' ', '')}",
        (ChoicePreference,),
        {
            "__module__": __name__,
            "section": notifications,
            "consumers": WHEN_YOU_HEAR,
            "name": digest_preference_name(category),
            "verbose_name": f"{category} emails",
            "help_text": "Each email as it happens, or one email listing them.",
            "choices": DIGEST_CHOICES,
            "default": IMMEDIATELY,
        },
    )


# One choice per category of the portal's own notifications that a member may turn off (mandatory ones always
# go out at once, so a category holding only those has nothing to choose).
for _category in sorted({n.category for n in (task_assigned, weekly_digest, billing_invoice, test_message)}):
    user_preferences_registry.register(_digest_preference(_category))


@user_preferences_registry.register
class DigestTime(TimePreference):
    section = notifications
    consumers = WHEN_YOU_HEAR
    name = "digest_time"
    verbose_name = "Daily digest at"
    help_text = "When daily digests are sent, in your time zone."
    default = datetime.time(8, 0)


@user_preferences_registry.register
class PausedUntil(StringPreference):
    # Text (an ISO 8601 instant, empty when not paused): the engine's date-time type has no "no value".
    section = notifications
    consumers = WHEN_YOU_HEAR
    name = PAUSED_UNTIL_NAME
    verbose_name = "Notifications paused until"
    help_text = "An instant such as 2026-12-24T08:00+01:00; empty when not paused. The pause buttons set it."
    default = ""
    field_kwargs = {"max_length": 40, "required": False}

    def validate(self, value: str) -> None:
        try:
            pause_parse(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None


@user_preferences_registry.register
class EmailUnsubscribedAll(BooleanPreference):
    section = notifications
    consumers = WHEN_YOU_HEAR
    name = UNSUBSCRIBED_ALL_NAME
    verbose_name = "Unsubscribed from all email"
    help_text = "Only mandatory notifications are emailed to you."
    default = False
