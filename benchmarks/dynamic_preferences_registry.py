"""The product's global preferences declared again for django-dynamic-preferences (benchmark only).

Same sections, names, types and defaults as apps/catalog/preferences.py, so every engine reads and
writes the same keys. Imported by benchmarks/preferences.py once Django is set up ("benchmarks" is not an
installed app, so django-dynamic-preferences does not autodiscover it).
"""

from dynamic_preferences.preferences import Section
from dynamic_preferences.registries import global_preferences_registry
from dynamic_preferences.types import ChoicePreference, IntegerPreference, StringPreference

general = Section("general")
locale = Section("locale")


@global_preferences_registry.register
class Title(StringPreference):
    section = general
    name = "title"
    default = ""
    required = False


@global_preferences_registry.register
class SupportEmail(StringPreference):
    section = general
    name = "support_email"
    default = ""
    required = False


@global_preferences_registry.register
class MaxUploadMegabytes(IntegerPreference):
    section = general
    name = "max_upload_mb"
    default = 10


@global_preferences_registry.register
class WeekStart(ChoicePreference):
    section = locale
    name = "week_start"
    choices = [("monday", "Monday"), ("sunday", "Sunday"), ("saturday", "Saturday")]
    default = "monday"
