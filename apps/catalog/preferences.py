"""The portal's preferences: what a tenant calls itself, and how each user likes the portal.

Each preference names where it has an effect (`consumers`: URL names rendered with two values by
tests/catalog/test_consumers.py, which fails for a registered preference without one).
"""

import zoneinfo

from django.core.exceptions import ValidationError

from apps.core.widgets import SearchableSelect
from apps.preferences.registries import global_preferences_registry, user_preferences_registry
from apps.preferences.types import (
    BooleanPreference,
    ChoicePreference,
    IntegerPreference,
    Section,
    StringPreference,
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
