"""Tables of this app, in the public schema: live-setting changes scheduled for a later time."""

from django.db import models


class ScheduledChange(models.Model):
    """A live setting's value to apply at `run_at` (by the beat task `apply_scheduled_changes`)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        APPLIED = "applied", "Applied"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    setting = models.CharField(max_length=100)
    # The value's stored JSON text; NULL means "back to the settings.py value".
    raw_value = models.TextField(null=True, blank=True)  # noqa: DJ001
    run_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was applied, cancelled or failed, by whom (cancellations), and why it failed.
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.CharField(max_length=150, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["run_at", "id"]
        indexes = [models.Index(fields=["state", "run_at"], name="scheduled_change_due")]

    def __str__(self) -> str:
        return f"{self.setting} at {self.run_at:%Y-%m-%d %H:%M} ({self.state})"
