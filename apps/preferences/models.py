"""Stored preference values (only those someone set) and the history of every change.

Tenant schema: global values (one set per tenant), user values, per-instance values (any model, generic),
the owners' defaults of user preferences (organisation and per group, maybe locked), and the history of all.
The site scope's tables live in the public schema (`apps.preferences.site`).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AbstractStoredPreference(models.Model):
    """One value someone set: the serialized JSON text of `section__name` for one scope owner."""

    section = models.CharField(max_length=150, blank=True, db_index=True)
    name = models.CharField(max_length=150, db_index=True)
    raw_value = models.TextField(help_text="JSON text written by the preference type's serializer.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True, help_text='Username, or "system".')

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.key} = {self.raw_value}"

    @property
    def key(self) -> str:
        return f"{self.section}__{self.name}" if self.section else self.name


class AbstractPreferenceChange(models.Model):
    """One change of one value: who, when, through what, old and new serialized values (None = default)."""

    class Source(models.TextChoices):
        MANAGER = "manager", "Code"
        FORM = "form", "Portal"
        ADMIN = "admin", "Admin"
        API = "api", "API"
        COMMAND = "command", "Command"
        REVERT = "revert", "Revert"
        CONSOLE = "console", "Console"
        BUNDLE = "bundle", "Bundle"

    section = models.CharField(max_length=150, blank=True)
    name = models.CharField(max_length=150)
    # NULL, unlike "", means "no stored value: the default applied".
    old_raw_value = models.TextField(null=True, blank=True)  # noqa: DJ001
    new_raw_value = models.TextField(null=True, blank=True)  # noqa: DJ001
    changed_by = models.CharField(max_length=150, help_text='Username, or "system".')
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANAGER)

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key}: {self.old_raw_value} → {self.new_raw_value} by {self.changed_by}"

    @property
    def key(self) -> str:
        return f"{self.section}__{self.name}" if self.section else self.name


class GlobalPreference(AbstractStoredPreference):
    """A tenant-wide value (the tenant is the schema)."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["section", "name"], name="unique_global_preference")]
        ordering = ["section", "name"]


class UserPreference(AbstractStoredPreference):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stored_preferences")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "section", "name"], name="unique_user_preference"),
        ]
        ordering = ["user_id", "section", "name"]


class InstancePreference(AbstractStoredPreference):
    """A value of one row of any model that opted in with `instance_preferences_registry(Model)`."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "section", "name"], name="unique_instance_preference"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        ordering = ["content_type_id", "object_id", "section", "name"]


class PreferenceChange(AbstractPreferenceChange):
    """History of the tenant's global, user and per-instance values."""

    class Scope(models.TextChoices):
        GLOBAL = "global", "Tenant"
        USER = "user", "User"
        INSTANCE = "instance", "Instance"
        ORGANISATION_DEFAULT = "org_default", "Organisation default"
        GROUP_DEFAULT = "group_default", "Group default"

    scope = models.CharField(max_length=16, choices=Scope.choices)
    # The scope owner: "" for global, the user's id, or "<content type id>:<object id>".
    owner = models.CharField(max_length=80, blank=True, db_index=True)
    # Defaults of user preferences only: whether the default was locked after this change (None elsewhere).
    locked = models.BooleanField(null=True, blank=True)

    class Meta(AbstractPreferenceChange.Meta):
        indexes = [models.Index(fields=["scope", "owner", "-changed_at"])]


class UserPreferenceDefault(AbstractStoredPreference):
    """An owner's default for one user preference: the organisation's (no group) or one group's; maybe locked.

    Members inherit it when they set no value of their own; a locked default cannot be overridden. A user's
    effective value: a lock (the organisation's, else the highest-priority group's) → their own value → the
    highest-priority group's default → the organisation's default → the default from code.
    """

    group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="user_preference_defaults"
    )
    locked = models.BooleanField(default=False, help_text="Members see this value and cannot change it.")

    class Meta:
        constraints = [
            # NULLS NOT DISTINCT: one organisation default per key too, and an ON CONFLICT target for upserts.
            models.UniqueConstraint(
                fields=["group", "section", "name"], name="unique_user_preference_default", nulls_distinct=False
            ),
        ]
        ordering = ["group_id", "section", "name"]
