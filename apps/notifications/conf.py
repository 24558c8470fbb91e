"""This app's settings with their defaults, read when used (never at import time)."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "NOTIFICATIONS_BACKENDS": [
        "apps.notifications.backends.email.EmailBackend",
        "apps.notifications.backends.sms.SmsBackend",
        "apps.notifications.backends.in_app.InAppBackend",
    ],
    # Backend names switched off on the whole site, whatever each tenant's row says.
    "NOTIFICATIONS_DISABLED_BACKENDS": [],
    "NOTIFICATIONS_SMS_PROVIDER": "apps.notifications.backends.sms.DevelopmentSmsProvider",
    # An email connection other than EMAIL_BACKEND (e.g. the filebased one for a worker under test); "" = default.
    "NOTIFICATIONS_EMAIL_CONNECTION": "",
    "NOTIFICATIONS_EMAIL_FILE_PATH": "",
    # Absolute links in messages: "{domain}" is the tenant's primary domain.
    "NOTIFICATIONS_BASE_URL": "http://{domain}:8000",
    "NOTIFICATIONS_MAX_ATTEMPTS": 5,
    "NOTIFICATIONS_RETRY_BASE_SECONDS": 30,
    # A pending row no worker picked up for this long is queued again by the periodic task.
    "NOTIFICATIONS_STALE_AFTER_SECONDS": 300,
    # Rows one task delivers (per tenant and backend); 1 gives back the old one-task-per-row path (benchmarks).
    "NOTIFICATIONS_BATCH_SIZE": 500,
    # The lease of a batch of a backend outside the database transaction (email): after it, another takes the rest.
    "NOTIFICATIONS_CLAIM_SECONDS": 300,
    # Such a batch records its outcomes every this many messages: a killed worker re-sends at most these.
    "NOTIFICATIONS_RECORD_EVERY": 50,
    "NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_SECONDS": 60 * 60 * 24 * 90,
}


def get(name: str) -> Any:
    """Return setting `name`, or this app's default for it."""
    return getattr(settings, name, DEFAULTS[name])
