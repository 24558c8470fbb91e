"""Site-wide values and their history, in the public schema."""

from django.db import models

from apps.preferences.models import AbstractPreferenceChange, AbstractStoredPreference


class SitePreference(AbstractStoredPreference):
    class Meta:
        constraints = [models.UniqueConstraint(fields=["section", "name"], name="unique_site_preference")]
        ordering = ["section", "name"]

    def __str__(self) -> str:
        # Site values may be secrets (secret live settings): a row's name never shows its value.
        return str(self.key)


class SitePreferenceChange(AbstractPreferenceChange):
    class Meta(AbstractPreferenceChange.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.key} changed by {self.changed_by}"  # Without the values, which may be secrets.
