"""One row per recorded change to a tenant's people, groups, invitations or permissions."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Who did what to which target, with the value before and after (JSON, so any shape can be kept)."""

    # The actor's name is copied so the entry still reads right after the actor is renamed or deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    # A dotted verb, for example "invitation.sent", "person.role_changed", "group.permission_granted".
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=32, help_text="What kind of thing changed: person, group, invitation…")
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True, help_text="How the target read when it changed.")
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_entry_target")]

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.action} {self.target_label}"
