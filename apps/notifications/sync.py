"""Copy the declared notifications and configured backends into the active tenant schema."""

from django.db import transaction

from apps.notifications.backends import backends_all
from apps.notifications.models import Backend, NotificationType, NotificationTypeBackend
from apps.notifications.registry import registry


@transaction.atomic
def notifications_sync() -> None:
    """Upsert backend and notification rows; mark the ones gone from code inactive and keep their preferences."""
    configured = backends_all()
    rows: dict[str, Backend] = {}
    for name, backend in configured.items():
        row, _ = Backend.objects.update_or_create(
            name=name, defaults={"display_name": backend.display_name, "is_active": True}
        )
        rows[name] = row
    Backend.objects.exclude(name__in=configured).update(is_active=False)

    declared = registry.all()
    for declaration in declared:
        notification_type, _ = NotificationType.objects.update_or_create(
            name=declaration.name,
            defaults={
                "display_name": declaration.display_name,
                "category": declaration.category,
                "mandatory": declaration.mandatory,
                "required_permissions": list(declaration.required_permissions),
                "is_active": True,
            },
        )
        allowed = [name for name in declaration.backends if name in rows]
        for name in allowed:
            NotificationTypeBackend.objects.update_or_create(
                notification_type=notification_type,
                backend=rows[name],
                defaults={"default": declaration.default_for(name)},
            )
        NotificationTypeBackend.objects.filter(notification_type=notification_type).exclude(
            backend__name__in=allowed
        ).delete()
    NotificationType.objects.exclude(name__in=[d.name for d in declared]).update(is_active=False)
