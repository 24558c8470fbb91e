"""Email through Django's mail API, with a text and an HTML template per notification; one connection per batch."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse

from apps.notifications import conf
from apps.notifications.backends.base import BaseBackend, DeliverySkipped, Result, Templates
from apps.notifications.links import site_url, unsubscribe_all_token_make, unsubscribe_token_make
from apps.notifications.registry import registry

if TYPE_CHECKING:
    from apps.notifications.models import Delivery

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Batch:
    """What every message of a batch shares, looked up once: templates, the site's URL, the sender.

    The domain is a query and DEFAULT_FROM_EMAIL a live setting (a Redis round trip): once per message each
    cost more than the SMTP exchange.
    """

    templates: Templates
    root: str  # site_url(""): the tenant's site without a path
    from_email: str

    @classmethod
    def start(cls) -> _Batch:
        return cls(Templates(), site_url(""), settings.DEFAULT_FROM_EMAIL)


class EmailBackend(BaseBackend):
    """Send an email with an unsubscribe link in the body and one-click unsubscribe-from-all headers (RFC 8058).

    Mandatory notifications carry neither.
    """

    name = "email"
    display_name = "Email"

    def message(
        self, delivery: Delivery, batch: _Batch | None = None
    ) -> tuple[EmailMultiAlternatives, dict[str, object]]:
        """Return the message for `delivery` and the payload recorded on the row; raise DeliverySkipped."""
        user = delivery.user
        if not user.email:
            raise DeliverySkipped("no_email_address")
        batch = batch or _Batch.start()
        templates, root = batch.templates, batch.root
        declaration = registry.get(delivery.notification_type.name)
        context: dict[str, Any] = {
            **delivery.context,
            "user": user,
            "notification": declaration,
            "site_url": root + "/",
            "unsubscribe_url": None,
        }
        headers = {"Message-ID": f"<{delivery.idempotency_key}@portal>"}
        if not declaration.mandatory:
            # links.unsubscribe_url, with the domain looked up once per batch: the body's link turns off this
            # notification only.
            token = unsubscribe_token_make(user_id=user.pk, notification=declaration.name, backend=self.name)
            context["unsubscribe_url"] = root + reverse("notifications:unsubscribe", args=[token])
            # The mail client's "Unsubscribe" button (RFC 8058 one-click) means all email, as in a digest: someone
            # pressing it expects to stop hearing from the site, not from one of its notifications.
            everything = root + reverse(
                "notifications:unsubscribe-all", args=[unsubscribe_all_token_make(user_id=user.pk)]
            )
            headers["List-Unsubscribe"] = f"<{everything}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        templates = templates or Templates()

        def render(suffix: str) -> str:
            names = (f"notifications/email/{declaration.name}.{suffix}", f"notifications/email/default.{suffix}")
            return templates.get(*names).render(context)

        subject = " ".join(render("subject.txt").split())
        text, html = render("txt"), render("html")
        message = EmailMultiAlternatives(
            subject=subject, body=text, from_email=batch.from_email, to=[user.email], headers=headers
        )
        message.attach_alternative(html, "text/html")
        return message, {"to": user.email, "subject": subject, "headers": headers, "text": text}

    def send(self, delivery: Delivery) -> dict[str, object]:
        [result] = self.send_batch([delivery])
        if isinstance(result, Exception):
            raise result
        return result

    def send_batch(self, deliveries: Sequence[Delivery], connection: Any = None) -> list[Result]:
        """Send each message on one open connection, one at a time, so each failure is its own row's.

        `connection` (from `connection_open`) is left open for the caller's next group; without it one is
        opened and closed here.
        """
        own = connection is None
        connection = connection or self._connection()
        results: list[Result] = []
        batch = _Batch.start()
        try:
            for delivery in deliveries:
                try:
                    message, payload = self.message(delivery, batch)
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
            if own:
                _close_quietly(connection)
        return results

    def connection_open(self) -> Any:
        """A connection a batch sends all its groups on; close it with `connection_close`."""
        return self._connection()

    def connection_close(self, connection: Any) -> None:
        _close_quietly(connection)

    def _connection(self) -> Any:
        backend = conf.get("NOTIFICATIONS_EMAIL_CONNECTION") or None
        file_path = conf.get("NOTIFICATIONS_EMAIL_FILE_PATH")
        return get_connection(backend, fail_silently=False, **({"file_path": file_path} if file_path else {}))


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # closing a broken SMTP session raises; there is nothing left to close
        logger.debug("Closing the mail connection failed", exc_info=True)
