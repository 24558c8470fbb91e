"""Email through Django's mail API, with a text and an HTML template per notification; one connection per batch."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string, select_template

from apps.notifications import conf
from apps.notifications.backends.base import BaseBackend, DeliverySkipped, Result
from apps.notifications.links import site_url, unsubscribe_url
from apps.notifications.registry import registry

if TYPE_CHECKING:
    from apps.notifications.models import Delivery

logger = logging.getLogger(__name__)


def _template(notification: str, suffix: str) -> str:
    return select_template(
        [f"notifications/email/{notification}.{suffix}", f"notifications/email/default.{suffix}"]
    ).template.name


class EmailBackend(BaseBackend):
    """Send an email with an unsubscribe link and List-Unsubscribe headers (none for mandatory notifications)."""

    name = "email"
    display_name = "Email"

    def message(self, delivery: Delivery) -> tuple[EmailMultiAlternatives, dict[str, object]]:
        """Return the message for `delivery` and the payload recorded on the row; raise DeliverySkipped."""
        user = delivery.user
        if not user.email:
            raise DeliverySkipped("no_email_address")
        declaration = registry.get(delivery.notification_type.name)
        context: dict[str, Any] = {
            **delivery.context,
            "user": user,
            "notification": declaration,
            "site_url": site_url("/"),
            "unsubscribe_url": None,
        }
        headers = {"Message-ID": f"<{delivery.idempotency_key}@portal>"}
        if not declaration.mandatory:
            link = unsubscribe_url(user_id=user.pk, notification=declaration.name, backend=self.name)
            context["unsubscribe_url"] = link
            headers["List-Unsubscribe"] = f"<{link}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        subject = " ".join(render_to_string(_template(declaration.name, "subject.txt"), context).split())
        text = render_to_string(_template(declaration.name, "txt"), context)
        html = render_to_string(_template(declaration.name, "html"), context)
        message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email], headers=headers)
        message.attach_alternative(html, "text/html")
        return message, {"to": user.email, "subject": subject, "headers": headers, "text": text}

    def send(self, delivery: Delivery) -> dict[str, object]:
        [result] = self.send_batch([delivery])
        if isinstance(result, Exception):
            raise result
        return result

    def send_batch(self, deliveries: Sequence[Delivery]) -> list[Result]:
        """Send each message on one open connection, one at a time, so each failure is its own row's."""
        connection = self._connection()
        results: list[Result] = []
        try:
            for delivery in deliveries:
                try:
                    message, payload = self.message(delivery)
                    message.connection = connection
                    connection.open()  # no-op while open; reconnects after a failure closed it
                    connection.send_messages([message])
                except DeliverySkipped as skipped:
                    results.append(skipped)
                except Exception as exc:
                    results.append(exc)
                    # The session may be broken (a dropped connection, a refused DATA): start the next one afresh.
                    _close_quietly(connection)
                else:
                    results.append(payload)
        finally:
            _close_quietly(connection)
        return results

    def _connection(self) -> Any:
        backend = conf.get("NOTIFICATIONS_EMAIL_CONNECTION") or None
        file_path = conf.get("NOTIFICATIONS_EMAIL_FILE_PATH")
        return get_connection(backend, fail_silently=False, **({"file_path": file_path} if file_path else {}))


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # closing a broken SMTP session raises; there is nothing left to close
        logger.debug("Closing the mail connection failed", exc_info=True)
