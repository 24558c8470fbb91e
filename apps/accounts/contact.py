"""Changing a person's name and email address; an address changes only once its new owner opens a link.

The link carries a signed token (user id, new address, the address it replaces) valid for
`EMAIL_CHANGE_MAX_AGE` seconds. Naming the replaced address makes the link single-use: once the change is made,
the old address no longer matches and the same link is refused.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string

from apps.core.tenancy import current_schema_name

EMAIL_CHANGE_MAX_AGE = 2 * 24 * 3600
_SALT = "accounts.email-change"


@dataclass(frozen=True)
class EmailChange:
    user_id: int
    new_email: str
    old_email: str


@transaction.atomic
def person_name_set(*, user: User, first_name: str, last_name: str) -> User:
    """Set a person's first and last name (either may be empty)."""
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name"])
    return user


def email_change_token(*, user: User, new_email: str) -> str:
    """The signed token of a change of `user`'s address to `new_email`, bound to this tenant's schema."""
    payload = {"u": user.pk, "new": new_email, "old": user.email, "s": current_schema_name()}
    return signing.dumps(payload, salt=_SALT, compress=True)


def email_change_request(*, user: User, new_email: str, confirm_url: str) -> str:
    """Check `new_email` and send the confirmation link to it; the address on file does not change yet.

    `confirm_url` is the absolute URL of the confirm view with `{token}` in it. Return the token.
    """
    new_email = new_email.strip()
    validate_email(new_email)
    if new_email.lower() == (user.email or "").lower():
        raise ValidationError({"email": "That is already your address."}, code="unchanged")
    if get_user_model().objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": "Another person of this organisation uses that address."}, code="taken")
    token = email_change_token(user=user, new_email=new_email)
    link = confirm_url.replace("{token}", token)
    context = {"user": user, "link": link, "new_email": new_email, "hours": EMAIL_CHANGE_MAX_AGE // 3600}
    send_mail(
        subject="Confirm your new email address",
        message=render_to_string("accounts/email_change_email.txt", context),
        from_email=None,
        recipient_list=[new_email],
    )
    return token


def email_change_read(token: str) -> EmailChange:
    """The change a token asks for; ValidationError saying why when it is forged, expired or already used."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError("This link has expired. Ask for a new one from your profile.", code="expired") from None
    except signing.BadSignature:
        raise ValidationError("This link is not valid.", code="invalid") from None
    if payload.get("s") != current_schema_name():
        raise ValidationError("This link is not valid.", code="invalid")
    return EmailChange(user_id=payload["u"], new_email=payload["new"], old_email=payload["old"])


@transaction.atomic
def email_change_confirm(token: str) -> User:
    """Make the change a valid token asks for, once; raise ValidationError otherwise (nothing changes then)."""
    change = email_change_read(token)
    user = get_user_model().objects.select_for_update().filter(pk=change.user_id).first()
    if user is None or not user.is_active:
        raise ValidationError("This link is not valid.", code="invalid")
    if user.email == change.new_email:
        raise ValidationError("This link was already used: your address is already changed.", code="used")
    if user.email != change.old_email:
        raise ValidationError("This link was replaced by a newer change of your address.", code="used")
    if get_user_model().objects.filter(email__iexact=change.new_email).exclude(pk=user.pk).exists():
        raise ValidationError("Another person of this organisation now uses that address.", code="taken")
    user.email = change.new_email
    user.save(update_fields=["email"])
    return user
