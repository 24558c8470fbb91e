"""What a tenant knows about each of its users beyond Django's User: role and contact details."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import F
from phonenumber_field.modelfields import PhoneNumberField

from apps.core.roles import Role


class Profile(models.Model):
    """One per user of a tenant; created with the user by `member_create`."""

    Role = Role  # The role values belong to apps.core.roles, which reads them without importing this app.

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    # Stored in E.164 (+447700900123); only a confirmed number receives text messages.
    phone_number = PhoneNumberField(blank=True, help_text="In international format, +44…")
    phone_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set when an owner adds a person with a one-time password; cleared by their first password change.
    must_change_password = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class GroupProfile(models.Model):
    """What a tenant knows about each group beyond Django's Group: its priority among the groups.

    When several of a person's groups set a default, the group with the lowest `priority` wins; owners
    order the groups explicitly, and pages show that order.
    """

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="profile")
    priority = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["priority", "group__name"]

    def __str__(self) -> str:
        return f"{self.group} (priority {self.priority})"


# The one order of a tenant's groups, highest priority first: the lowest `GroupProfile.priority`, a group
# without a profile last, ties by name. Preference defaults, notification defaults and the pages that list
# groups all rank groups by it, in SQL (GROUP_ORDER, for Group querysets) or in memory (group_rank).
GROUP_ORDER = (F("profile__priority").asc(nulls_last=True), "name")


def group_rank(priority: int | None, name: str) -> tuple[bool, int, str]:
    """Return a sort key placing a group (its priority, None without a profile, and name) in GROUP_ORDER."""
    return (priority is None, priority or 0, name)
