"""Site-wide values and their history, in the public schema."""

from django.db import models

from apps.preferences.models import AbstractPreferenceChange, AbstractStoredPreference


class SitePreference(AbstractStoredPreference):
    class Meta:
        constraints = [models.UniqueConstraint(fields=["section", "name"], name="unique_site_preference")]
        ordering = ["section", "name"]


class SitePreferenceChange(AbstractPreferenceChange):
    class Meta(AbstractPreferenceChange.Meta):
        pass
