"""Email through Django's mail API, with a text and an HTML template per notification."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string, select_template

from apps.notifications import conf
from apps.notifications.backends.base import BaseBackend, DeliverySkipped
from apps.notifications.links import site_url, unsubscribe_url
from apps.notifications.registry import registry

if TYPE_CHECKING:
    from apps.notifications.models import Delivery


def _template(notification: str, suffix: str) -> str:
    return select_template(
        [f"notifications/email/{notification}.{suffix}", f"notifications/email/default.{suffix}"]
    ).template.name


class EmailBackend(BaseBackend):
    """Send an email with an unsubscribe link and List-Unsubscribe headers (none for mandatory notifications)."""

    name = "email"
    display_name = "Email"

    def send(self, delivery: Delivery) -> dict[str, object]:
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
        message = EmailMultiAlternatives(
            subject=subject, body=text, to=[user.email], headers=headers, connection=self._connection()
        )
        message.attach_alternative(html, "text/html")
        message.send()
        return {"to": user.email, "subject": subject, "headers": headers, "text": text}

    def _connection(self) -> Any:
        backend = conf.get("NOTIFICATIONS_EMAIL_CONNECTION") or None
        file_path = conf.get("NOTIFICATIONS_EMAIL_FILE_PATH")
        return get_connection(backend, **({"file_path": file_path} if file_path else {}))
