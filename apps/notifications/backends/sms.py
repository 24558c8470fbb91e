"""Text messages to the phone number on the user's profile, through a swappable provider."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from apps.notifications import conf
from apps.notifications.backends.base import BaseBackend, DeliverySkipped, Result, Templates
from apps.notifications.registry import registry

if TYPE_CHECKING:
    from apps.notifications.models import Delivery

logger = logging.getLogger(__name__)


class SmsProvider:
    """A gateway that sends text messages; `send` returns the provider's message id.

    `delivery` is the outbox row the message belongs to, or None for a message outside the outbox (the code
    that confirms a phone number).
    """

    def send(self, *, to: str, body: str, delivery: Delivery | None) -> str:
        raise NotImplementedError

    def send_batch(self, messages: Sequence[tuple[str, str, Delivery]]) -> list[str | Exception]:
        """Send each (to, body, delivery); return the provider's id or the exception, one per message, in order.

        The default sends one by one; a gateway with a bulk API overrides it.
        """
        results: list[str | Exception] = []
        for to, body, delivery in messages:
            try:
                results.append(self.send(to=to, body=body, delivery=delivery))
            except Exception as exc:
                results.append(exc)
        return results


class DevelopmentSmsProvider(SmsProvider):
    """Log the message and keep it in the SmsMessage table instead of sending it."""

    def send(self, *, to: str, body: str, delivery: Delivery | None) -> str:
        from apps.notifications.models import SmsMessage

        message = SmsMessage.objects.create(to=to, body=body, delivery=delivery)
        logger.info("SMS to %s: %s", to, body)
        return f"dev-{message.pk}"

    def send_batch(self, messages: Sequence[tuple[str, str, Delivery]]) -> list[str | Exception]:
        from apps.notifications.models import SmsMessage

        kept = SmsMessage.objects.bulk_create(
            [SmsMessage(to=to, body=body, delivery=delivery) for to, body, delivery in messages]
        )
        logger.info("%d SMS kept by the development provider.", len(kept))
        return [f"dev-{message.pk}" for message in kept]


def text_send(*, to: str, body: str) -> str:
    """Send one text outside the outbox through the configured provider; return the provider's id."""
    return _provider().send(to=to, body=body, delivery=None)


def provider_is_development() -> bool:
    """Whether texts are kept by the development provider (pages may then show what was "sent")."""
    return isinstance(_provider(), DevelopmentSmsProvider)


@cache
def _provider() -> SmsProvider:
    return import_string(conf.get("NOTIFICATIONS_SMS_PROVIDER"))()


@receiver(setting_changed)
def _forget_provider(*, setting: str, **kwargs: object) -> None:
    if setting == "NOTIFICATIONS_SMS_PROVIDER":
        _provider.cache_clear()


class SmsBackend(BaseBackend):
    """Send a short text; a user without a phone number is skipped with that reason."""

    name = "sms"
    display_name = "SMS"
    # The development provider only writes rows; a real gateway's batch is sent inside the transaction too, so
    # a worker killed mid-batch leaves every row pending (the gateway may have sent some: at least once).
    transactional = True

    def send(self, delivery: Delivery) -> dict[str, object]:
        phone, body = self._text(delivery, Templates())
        message_id = _provider().send(to=phone, body=body, delivery=delivery)
        return {"to": phone, "body": body, "provider_id": message_id}

    def send_batch(self, deliveries: Sequence[Delivery], connection: Any = None) -> list[Result]:
        results: list[Result | None] = [None] * len(deliveries)
        texts: list[tuple[int, str, str]] = []
        templates = Templates()
        for index, delivery in enumerate(deliveries):
            try:
                phone, body = self._text(delivery, templates)
            except Exception as exc:
                results[index] = exc
            else:
                texts.append((index, phone, body))
        sent = _provider().send_batch([(phone, body, deliveries[index]) for index, phone, body in texts])
        for (index, phone, body), outcome in zip(texts, sent, strict=True):
            if isinstance(outcome, Exception):
                results[index] = outcome
            else:
                results[index] = {"to": phone, "body": body, "provider_id": outcome}
        return [result for result in results if result is not None]

    def _text(self, delivery: Delivery, templates: Templates) -> tuple[str, str]:
        """Return (E.164 phone number, body); raise DeliverySkipped without a number."""
        try:
            # E.164 text ("+447700900123"): the provider and the JSON payload take a string.
            phone = str(delivery.user.profile.phone_number or "")
        except ObjectDoesNotExist:
            phone = ""
        if not phone:
            raise DeliverySkipped("no_phone_number")
        declaration = registry.get(delivery.notification_type.name)
        template = templates.get(f"notifications/sms/{declaration.name}.txt", "notifications/sms/default.txt")
        body = " ".join(
            template.render({**delivery.context, "notification": declaration, "user": delivery.user}).split()
        )
        return phone, body
