"""Notification types synced from code, backends, preference rows per scope, the delivery outbox, the inbox."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q


class Backend(models.Model):
    """A delivery backend of this tenant, synced from NOTIFICATIONS_BACKENDS; a disabled one never sends."""

    name = models.SlugField(max_length=32, unique=True)
    display_name = models.CharField(max_length=64)
    enabled = models.BooleanField(default=True, help_text="A disabled backend records every delivery as skipped.")
    is_active = models.BooleanField(default=True, help_text="False once the backend is no longer configured.")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.display_name


class NotificationType(models.Model):
    """The database copy of a notification declared in code, so preferences and deliveries can reference it."""

    name = models.SlugField(max_length=64, unique=True)
    display_name = models.CharField(max_length=128)
    category = models.CharField(max_length=64)
    mandatory = models.BooleanField(default=False)
    required_permissions = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True, help_text="False once the notification is removed from code.")
    backends = models.ManyToManyField(Backend, through="NotificationTypeBackend", related_name="notification_types")

    class Meta:
        ordering = ["category", "display_name"]
        permissions = [("view_billing", "Can receive billing notifications")]

    def __str__(self) -> str:
        return self.display_name


class NotificationTypeBackend(models.Model):
    """A backend a notification may use, with the notification's default for it."""

    notification_type = models.ForeignKey(NotificationType, on_delete=models.CASCADE)
    # PROTECT: a backend cannot be deleted while a notification uses it.
    backend = models.ForeignKey(Backend, on_delete=models.PROTECT)
    default = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification_type", "backend"], name="notif_type_backend_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_type} via {self.backend}"


class NotificationSetting(models.Model):
    """One stored choice: (scope, user or group or tenant, notification, backend) → on/off."""

    class Scope(models.TextChoices):
        USER = "user", "User"
        GROUP = "group", "Group"
        TENANT = "tenant", "Tenant default"

    scope = models.CharField(max_length=8, choices=Scope.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notification_settings"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="notification_settings"
    )
    notification_type = models.ForeignKey(NotificationType, on_delete=models.CASCADE, related_name="settings")
    backend = models.ForeignKey(Backend, on_delete=models.PROTECT, related_name="settings")
    value = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="user", user__isnull=False, group__isnull=True)
                    | Q(scope="group", group__isnull=False, user__isnull=True)
                    | Q(scope="tenant", user__isnull=True, group__isnull=True)
                ),
                name="notif_setting_scope_matches_owner",
            ),
            models.UniqueConstraint(
                fields=["user", "notification_type", "backend"],
                condition=Q(scope="user"),
                name="notif_setting_user_unique",
            ),
            models.UniqueConstraint(
                fields=["group", "notification_type", "backend"],
                condition=Q(scope="group"),
                name="notif_setting_group_unique",
            ),
            models.UniqueConstraint(
                fields=["notification_type", "backend"],
                condition=Q(scope="tenant"),
                name="notif_setting_tenant_unique",
            ),
        ]
        indexes = [models.Index(fields=["notification_type", "scope"], name="notif_setting_type_scope")]

    def __str__(self) -> str:
        owner = self.user or self.group or "tenant"
        return f"{owner}: {self.notification_type.name}/{self.backend.name} = {'on' if self.value else 'off'}"


class Delivery(models.Model):
    """One outbox row: a notification for one user through one backend, or the recorded reason it was not sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"
        # Waiting for the end of the recipient's quiet hours (`held_until`); released as pending then.
        HELD = "held", "Held"
        # Waiting to go out in the recipient's next email digest (`digest_due_at`), then sent in it or left out.
        DIGESTED = "digested", "In a digest"
        # Claimed by the digest being sent (`digest`, until `claimed_until`); sent, or digested again on a failure.
        SENDING = "sending", "Sending"

    class Reason(models.TextChoices):
        NONE = "", "—"
        OPTED_OUT = "opted_out", "Opted out"
        NO_PERMISSION = "no_permission", "Lacks a required permission"
        BACKEND_DISABLED = "backend_disabled", "Backend disabled"
        NO_PHONE_NUMBER = "no_phone_number", "No phone number"
        NO_EMAIL_ADDRESS = "no_email_address", "No email address"
        INACTIVE_USER = "inactive_user", "User is inactive"
        QUIET_HOURS = "quiet_hours", "Quiet hours"
        DIGEST = "digest", "Collected for a digest"
        PAUSED = "paused", "Notifications paused"
        UNSUBSCRIBED_ALL = "unsubscribed_all", "Unsubscribed from all email"
        ALREADY_READ = "already_read", "Already read in the inbox"

    notification_type = models.ForeignKey(NotificationType, on_delete=models.PROTECT, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_deliveries")
    backend = models.ForeignKey(Backend, on_delete=models.PROTECT, related_name="deliveries")
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=32, choices=Reason.choices, blank=True, default="")
    source = models.CharField(max_length=160, blank=True, help_text="Where the resolved value came from.")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # A copy of what the backend handed over (subject, recipient, headers), for the log and for audits.
    sent_payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    next_attempt_at = models.DateTimeField(help_text="When a worker should pick the row up; re-queued when stale.")
    sent_at = models.DateTimeField(null=True, blank=True)
    # Quiet hours: when a held row is released, and the zone it was computed in (shown as "until 07:00 Europe/Paris").
    held_until = models.DateTimeField(null=True, blank=True)
    held_zone = models.CharField(max_length=64, blank=True)
    # Digests: when the digest that carries this row is due, and the digest that carried it once sent.
    digest_due_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey("Digest", null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    # A batch of a backend that cannot share the database transaction (email over SMTP) claims its rows: `claim`
    # names the batch, `claimed_until` ends the lease. Until then no other batch takes them; a worker killed
    # mid-batch leaves them pending, and another batch takes them once the lease is over.
    claim = models.CharField(max_length=32, blank=True, default="")
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_delivery_due"),
            # What a batch claims: the pending rows of one backend in id order, so the first 500 are read off the
            # index without visiting (or sorting) the other pending rows of a big send.
            models.Index(fields=["backend", "id"], condition=Q(status="pending"), name="notif_delivery_claim_order"),
            models.Index(fields=["notification_type", "status"], name="notif_delivery_type_status"),
            models.Index(fields=["status", "held_until"], name="notif_delivery_held"),
            models.Index(fields=["status", "digest_due_at"], name="notif_delivery_digest_due"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_type.name} → {self.user} via {self.backend.name}: {self.status}"


class Digest(models.Model):
    """One digest email: the digested rows of one user due at one time, sent once (the unique key)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    # What went to the SMTP server (to, subject, headers, text), like Delivery.sent_payload.
    sent_payload = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "due_at"], name="notif_digest_user_due_unique")]

    def __str__(self) -> str:
        return f"digest for {self.user} due {self.due_at:%Y-%m-%d %H:%M}"


class InboxMessage(models.Model):
    """A notification delivered in the app, shown in the user's inbox until read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages")
    delivery = models.OneToOneField(Delivery, null=True, blank=True, on_delete=models.SET_NULL)
    notification_type = models.ForeignKey(NotificationType, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notif_inbox_user_unread")]

    def __str__(self) -> str:
        return self.title


class SmsMessage(models.Model):
    """A text message kept by the development SMS provider instead of sending it."""

    to = models.CharField(max_length=32)
    body = models.TextField()
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "SMS message (development provider)"

    def __str__(self) -> str:
        return f"to {self.to}: {self.body[:40]}"
