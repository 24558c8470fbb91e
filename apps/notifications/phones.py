"""Confirming a phone number by a code sent to it through the SMS provider; only then is it on the profile.

The pending number and a hash of its code live in the cache for `CODE_TTL` seconds; `MAX_ATTEMPTS` wrong codes
end the attempt. A number is stored (E.164) with `phone_confirmed_at` only when its code is entered.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from apps.accounts.models import Profile
from apps.core.tenancy import current_schema_name
from apps.notifications.backends.sms import provider_is_development, text_send

CODE_TTL = 10 * 60
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class PendingPhone:
    number: str  # E.164
    attempts_left: int


def _key(user: User) -> str:
    return f"phone-confirm:{current_schema_name()}:{user.pk}"


def _digest(code: str, user: User) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{user.pk}:{code}".encode(), hashlib.sha256).hexdigest()


def phone_confirmation_start(*, user: User, number: PhoneNumber) -> str:
    """Text a 6-digit code to `number` and remember it for the user; return the text's body.

    Raise ValidationError for a number that is not a valid international one.
    """
    if not number or not number.is_valid():
        raise ValidationError({"phone_number": "Enter a valid phone number, with its country code (+44…)."})
    code = f"{secrets.randbelow(10**6):06d}"
    body = f"Your confirmation code is {code}. It works for {CODE_TTL // 60} minutes."
    cache.set(_key(user), {"number": number.as_e164, "digest": _digest(code, user), "left": MAX_ATTEMPTS}, CODE_TTL)
    text_send(to=number.as_e164, body=body)
    return body


def phone_confirmation_pending(*, user: User) -> PendingPhone | None:
    """The number waiting for its code, if any."""
    pending = cache.get(_key(user))
    return PendingPhone(pending["number"], pending["left"]) if pending else None


@transaction.atomic
def phone_confirmation_check(*, user: User, code: str) -> Profile:
    """Store the pending number when `code` is its code; ValidationError saying what is wrong otherwise."""
    pending = cache.get(_key(user))
    if not pending:
        raise ValidationError({"code": "No code is waiting: send a new one."}, code="none")
    if not hmac.compare_digest(pending["digest"], _digest(code.strip(), user)):
        pending["left"] -= 1
        if pending["left"] <= 0:
            cache.delete(_key(user))
            raise ValidationError({"code": "Too many wrong codes: send a new one."}, code="exhausted")
        cache.set(_key(user), pending, CODE_TTL)
        raise ValidationError({"code": f"That is not the code. {pending['left']} tries left."}, code="wrong")
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    profile.phone_number = pending["number"]
    profile.phone_confirmed_at = timezone.now()
    profile.save(update_fields=["phone_number", "phone_confirmed_at"])
    cache.delete(_key(user))
    return profile


@transaction.atomic
def phone_remove(*, user: User) -> None:
    """Forget the person's phone number (text messages to them are then skipped with that reason)."""
    cache.delete(_key(user))
    Profile.objects.filter(user=user).update(phone_number="", phone_confirmed_at=None)


def phone_codes_visible() -> bool:
    """Whether pages may show the text just "sent": only with the development provider, which sends nothing."""
    return provider_is_development()
