"""Messages stored for the user and shown in their inbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from apps.notifications.backends.base import BaseBackend, Result, Templates
from apps.notifications.registry import registry

if TYPE_CHECKING:
    from apps.notifications.models import Delivery, InboxMessage


class InAppBackend(BaseBackend):
    """Write inbox messages in the batch's transaction (one INSERT per batch), so each exists exactly once."""

    name = "in_app"
    display_name = "In the app"
    transactional = True

    def _message(self, delivery: Delivery, templates: Templates) -> InboxMessage:
        from apps.notifications.models import InboxMessage

        declaration = registry.get(delivery.notification_type.name)
        template = templates.get(f"notifications/in_app/{declaration.name}.txt", "notifications/in_app/default.txt")
        body = template.render({**delivery.context, "notification": declaration, "user": delivery.user})
        return InboxMessage(
            user=delivery.user,
            delivery=delivery,
            notification_type=delivery.notification_type,
            title=str(delivery.context.get("title") or declaration.display_name)[:200],
            body=body.strip(),
            url=str(delivery.context.get("url", ""))[:500],
        )

    def send(self, delivery: Delivery) -> dict[str, object]:
        message = self._message(delivery, Templates())
        message.save()
        return {"inbox_message": message.pk, "title": message.title}

    def send_batch(self, deliveries: Sequence[Delivery], connection: Any = None) -> list[Result]:
        from apps.notifications.models import InboxMessage

        results: list[Result | None] = [None] * len(deliveries)
        messages: list[tuple[int, InboxMessage]] = []
        templates = Templates()
        for index, delivery in enumerate(deliveries):
            try:
                messages.append((index, self._message(delivery, templates)))
            except Exception as exc:  # a template that fails for one context fails only its row
                results[index] = exc
        try:
            with transaction.atomic():
                InboxMessage.objects.bulk_create([message for _, message in messages])
        except IntegrityError:
            # One row already has its message (the unique delivery link): find it row by row, each in a savepoint.
            retried = super().send_batch([deliveries[index] for index, _ in messages])
            for (index, _), result in zip(messages, retried, strict=True):
                results[index] = result
        else:
            for index, message in messages:
                results[index] = {"inbox_message": message.pk, "title": message.title}
        return [result for result in results if result is not None]
