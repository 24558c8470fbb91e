"""What a tenant knows about each of its users beyond Django's User: role and contact details."""

from django.conf import settings
from django.db import models

from apps.core.roles import Role


class Profile(models.Model):
    """One per user of a tenant; created with the user by `member_create`."""

    Role = Role  # The role values belong to apps.core.roles, which reads them without importing this app.

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    phone_number = models.CharField(max_length=32, blank=True, help_text="In international format, +44…")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
