"""Django admin for notifications, backends, preferences per scope, deliveries and inbox messages."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.notifications import services
from apps.notifications.models import (
    Backend,
    Delivery,
    InboxMessage,
    NotificationSetting,
    NotificationType,
    NotificationTypeBackend,
    SmsMessage,
)


class NotificationTypeBackendInline(admin.TabularInline):
    model = NotificationTypeBackend
    extra = 0
    readonly_fields = ["backend", "default"]
    can_delete = False


@admin.register(NotificationType)
class NotificationTypeAdmin(admin.ModelAdmin):
    """Notifications are declared in code; the admin shows them and their backends read-only."""

    list_display = ["name", "display_name", "category", "mandatory", "is_active"]
    list_filter = ["category", "mandatory", "is_active"]
    search_fields = ["name", "display_name"]
    readonly_fields = ["name", "display_name", "category", "mandatory", "required_permissions", "is_active"]
    inlines = [NotificationTypeBackendInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Backend)
class BackendAdmin(admin.ModelAdmin):
    """Only superusers may switch a backend off; a backend in use cannot be deleted (PROTECT)."""

    list_display = ["name", "display_name", "enabled", "is_active"]
    readonly_fields = ["name", "display_name", "is_active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, "enabled"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(NotificationSetting)
class NotificationSettingAdmin(admin.ModelAdmin):
    list_display = ["notification_type", "backend", "scope", "user", "group", "value", "updated_at"]
    list_filter = ["scope", "backend", "notification_type", "value"]
    search_fields = ["user__username", "group__name", "notification_type__name"]
    raw_id_fields = ["user"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "notification_type", "user", "backend", "status", "reason", "attempts"]
    list_filter = ["status", "backend", "notification_type", "reason"]
    search_fields = ["user__username", "idempotency_key"]
    readonly_fields = [field.name for field in Delivery._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Retry the selected failed deliveries")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        failed = list(queryset.filter(status=Delivery.Status.FAILED))
        for delivery in failed:
            services.delivery_retry(delivery=delivery)
        self.message_user(request, f"{len(failed)} failed deliveries queued again.", messages.SUCCESS)


@admin.register(InboxMessage)
class InboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    search_fields = ["user__username", "title"]
    raw_id_fields = ["user", "delivery"]


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "body"]
    search_fields = ["to", "body"]
    raw_id_fields = ["delivery"]
