"""Messages stored for the user and shown in their inbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string, select_template

from apps.notifications.backends.base import BaseBackend
from apps.notifications.registry import registry

if TYPE_CHECKING:
    from apps.notifications.models import Delivery


class InAppBackend(BaseBackend):
    """Write an inbox message; it is written in the delivery's transaction, so it exists exactly once."""

    name = "in_app"
    display_name = "In the app"

    def send(self, delivery: Delivery) -> dict[str, object]:
        from apps.notifications.models import InboxMessage

        declaration = registry.get(delivery.notification_type.name)
        template = select_template(
            [f"notifications/in_app/{declaration.name}.txt", "notifications/in_app/default.txt"]
        ).template.name
        body = render_to_string(template, {**delivery.context, "notification": declaration, "user": delivery.user})
        title = str(delivery.context.get("title") or declaration.display_name)[:200]
        message = InboxMessage.objects.create(
            user=delivery.user,
            delivery=delivery,
            notification_type=delivery.notification_type,
            title=title,
            body=body.strip(),
            url=str(delivery.context.get("url", ""))[:500],
        )
        return {"inbox_message": message.pk, "title": title}
