"""Tenants and their domains (public schema), and the audit log of the tenant lifecycle."""

from django.conf import settings
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Tenant(TenantMixin):
    """An organisation with its own PostgreSQL schema and subdomain."""

    class State(models.TextChoices):
        PENDING = "pending", "Queued"
        PROVISIONING = "provisioning", "Provisioning"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Provisioning progress, 0 to 100.")
    status_message = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField(default=True, help_text="An inactive tenant's domain answers 404.")
    deactivated_at = models.DateTimeField(null=True, blank=True)

    # The schema is created by the provisioning task, which reports progress; never implicitly on save.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="tenant_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.schema_name == settings.PUBLIC_SCHEMA_NAME

    @property
    def is_serving(self) -> bool:
        """Return whether the tenant's domain should answer requests."""
        return self.is_active and self.state == self.State.READY


class Domain(DomainMixin):
    """A host name that routes to a tenant's schema."""

    def __str__(self) -> str:
        return self.domain


class TenantEvent(models.Model):
    """One entry of the superadmins' audit log: who did what to which tenant."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        PROVISIONED = "provisioned", "Provisioned"
        FAILED = "failed", "Provisioning failed"
        DEACTIVATED = "deactivated", "Deactivated"
        REACTIVATED = "reactivated", "Reactivated"
        DELETED = "deleted", "Deleted"

    # Kept as text, not a foreign key, so the entry outlives a deleted tenant.
    tenant_schema = models.CharField(max_length=63)
    tenant_name = models.CharField(max_length=100)
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.CharField(max_length=150, help_text='Username of who did it, or "system".')
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.tenant_name}: {self.get_action_display()} by {self.actor}"
