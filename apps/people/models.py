"""Invitations: an owner asks someone to join the tenant; the link in the email sets their name and password."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.roles import Role


class Invitation(models.Model):
    """One invitation of one email address, with the placeholder (inactive) user it will activate.

    The link carries a random token; only its SHA-256 is stored (`token_hash`), so a copy of the database does
    not hold working links. Resending replaces the token, so an earlier link stops working. Single use:
    `accepted_at` is set under a row lock when the person sets their password.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        EXPIRED = "expired", "Expired"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    groups = models.ManyToManyField(Group, blank=True, related_name="invitations")
    # The inactive user created with the invitation ("invited"); kept null once a revoked placeholder is removed.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    send_count = models.PositiveIntegerField(default=1)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one open invitation per address: inviting again is a resend.
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="people_invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="people_invitation_accepted_or_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} ({self.get_state_display()})"

    @property
    def state(self) -> str:
        """Return the invitation's state now: accepted, revoked, expired or pending."""
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    @property
    def is_open(self) -> bool:
        """Return whether the invitation may still be resent or revoked (neither accepted nor revoked)."""
        return self.accepted_at is None and self.revoked_at is None
