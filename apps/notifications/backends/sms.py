"""Text messages to the phone number on the user's profile, through a swappable provider."""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string, select_template
from django.utils.module_loading import import_string

from apps.notifications import conf
from apps.notifications.backends.base import BaseBackend, DeliverySkipped
from apps.notifications.registry import registry

if TYPE_CHECKING:
    from apps.notifications.models import Delivery

logger = logging.getLogger(__name__)


class SmsProvider:
    """A gateway that sends a text message; return the provider's message id.

    `delivery` is the outbox row the message belongs to, or None for a message outside the outbox (the code
    that confirms a phone number).
    """

    def send(self, *, to: str, body: str, delivery: Delivery | None) -> str:
        raise NotImplementedError


class DevelopmentSmsProvider(SmsProvider):
    """Log the message and keep it in the SmsMessage table instead of sending it."""

    def send(self, *, to: str, body: str, delivery: Delivery | None) -> str:
        from apps.notifications.models import SmsMessage

        message = SmsMessage.objects.create(to=to, body=body, delivery=delivery)
        logger.info("SMS to %s: %s", to, body)
        return f"dev-{message.pk}"


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

    def send(self, delivery: Delivery) -> dict[str, object]:
        try:
            # E.164 text ("+447700900123"): the provider and the JSON payload take a string.
            phone = str(delivery.user.profile.phone_number or "")
        except ObjectDoesNotExist:
            phone = ""
        if not phone:
            raise DeliverySkipped("no_phone_number")
        declaration = registry.get(delivery.notification_type.name)
        template = select_template(
            [f"notifications/sms/{declaration.name}.txt", "notifications/sms/default.txt"]
        ).template.name
        body = " ".join(
            render_to_string(template, {**delivery.context, "notification": declaration, "user": delivery.user}).split()
        )
        message_id = _provider().send(to=phone, body=body, delivery=delivery)
        return {"to": phone, "body": body, "provider_id": message_id}
