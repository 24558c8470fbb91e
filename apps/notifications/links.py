"""Absolute links to this tenant's site and signed one-click unsubscribe tokens."""

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse

from apps.core.tenancy import current_schema_name
from apps.notifications import conf

_SALT = "apps.notifications.unsubscribe"
_ALL_SALT = "apps.notifications.unsubscribe-all"


@dataclass(frozen=True)
class UnsubscribeRequest:
    """What a valid token allows: turn `notification` off through `backend` for `user_id`."""

    user_id: int
    notification: str
    backend: str
    # Set instead of `notification` by a digest's link: turn off every notification of this category.
    category: str = ""


# Schema name → its primary domain (None: it has none), filled by site_url. Every message links to the site a few
# times and a batch renders hundreds: a query each cost more than the rest of the message. Cleared whenever a
# domain is saved or deleted, like django.contrib.sites' SITE_CACHE.
PRIMARY_DOMAINS: dict[str, str | None] = {}


def _primary_domain(schema: str) -> str | None:
    from apps.tenants.models import Domain

    if schema not in PRIMARY_DOMAINS:
        PRIMARY_DOMAINS[schema] = (
            Domain.objects.filter(tenant__schema_name=schema, is_primary=True).values_list("domain", flat=True).first()
        )
    return PRIMARY_DOMAINS[schema]


@receiver(post_save, sender="tenants.Domain", dispatch_uid="notifications-forget-domains-on-save")
@receiver(post_delete, sender="tenants.Domain", dispatch_uid="notifications-forget-domains-on-delete")
def primary_domains_forget(**kwargs: Any) -> None:
    """Forget the cached primary domains (a domain changed, or a test starts afresh)."""
    PRIMARY_DOMAINS.clear()


def site_url(path: str) -> str:
    """Return `path` as an absolute URL on the active tenant's primary domain (looked up once per process)."""
    base = conf.get("NOTIFICATIONS_BASE_URL").format(domain=_primary_domain(current_schema_name()) or "localhost")
    return base.rstrip("/") + path


def unsubscribe_token_make(*, user_id: int, notification: str, backend: str) -> str:
    """Return a signed token naming the tenant schema, so it cannot be replayed on another tenant."""
    payload = {"s": current_schema_name(), "u": user_id, "n": notification, "b": backend}
    return signing.dumps(payload, salt=_SALT, compress=True)


def unsubscribe_token_read(token: str) -> UnsubscribeRequest:
    """Return the request a token carries; raise signing.BadSignature (or SignatureExpired) if it is not valid here."""
    payload = signing.loads(token, salt=_SALT, max_age=conf.get("NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_SECONDS"))
    if payload.get("s") != current_schema_name():
        raise signing.BadSignature("The token belongs to another site.")
    return UnsubscribeRequest(
        user_id=int(payload["u"]),
        notification=str(payload["n"]),
        backend=str(payload["b"]),
        category=str(payload.get("c", "")),
    )


def unsubscribe_url(*, user_id: int, notification: str, backend: str) -> str:
    """Return the absolute one-click unsubscribe URL for one user, notification and backend."""
    token = unsubscribe_token_make(user_id=user_id, notification=notification, backend=backend)
    return site_url(reverse("notifications:unsubscribe", args=[token]))


def category_unsubscribe_url(*, user_id: int, category: str, backend: str) -> str:
    """Return the absolute link that turns off `backend` for every notification of `category` (digests use it)."""
    payload = {"s": current_schema_name(), "u": user_id, "n": "", "b": backend, "c": category}
    token = signing.dumps(payload, salt=_SALT, compress=True)
    return site_url(reverse("notifications:unsubscribe", args=[token]))


def unsubscribe_all_token_make(*, user_id: int) -> str:
    """Return a signed token for "unsubscribe from all email", naming the tenant schema."""
    return signing.dumps({"s": current_schema_name(), "u": user_id}, salt=_ALL_SALT, compress=True)


def unsubscribe_all_token_read(token: str) -> int:
    """Return the user id an unsubscribe-from-all token names; raise signing.BadSignature if it is not valid here."""
    payload = signing.loads(token, salt=_ALL_SALT, max_age=conf.get("NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_SECONDS"))
    if payload.get("s") != current_schema_name():
        raise signing.BadSignature("The token belongs to another site.")
    return int(payload["u"])


def unsubscribe_all_url(*, user_id: int) -> str:
    """Return the absolute one-click (RFC 8058) "unsubscribe from all email" URL of one user."""
    return site_url(reverse("notifications:unsubscribe-all", args=[unsubscribe_all_token_make(user_id=user_id)]))
