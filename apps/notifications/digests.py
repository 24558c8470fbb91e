"""Email digests: the digested rows of one person due at one time go out as one email, once.

Rows are written as DIGESTED with `digest_due_at` by `timing.rows_time`; `digests_send_due` (run by the beat
task with the re-queue) groups the due ones by (user, due time) into a `Digest` row, the unique key that makes
sending idempotent: a second run, or a second worker, finds the digest sent or waits on its lock. Items whose
in-app copy the person already read are left out (marked skipped, "already read"). All digests of one run share
one SMTP connection.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from apps.notifications import conf, timing
from apps.notifications.links import category_unsubscribe_url, site_url, unsubscribe_all_url
from apps.notifications.models import Delivery, Digest, InboxMessage
from apps.notifications.registry import registry

logger = logging.getLogger(__name__)
Status = Delivery.Status
Reason = Delivery.Reason


def _in_app_key(row: Delivery) -> str:
    """Return the idempotency key of the in-app row written by the same send as `row` (name:batch:backend:user)."""
    name, batch, _, user_id = row.idempotency_key.rsplit(":", 3)
    return f"{name}:{batch}:in_app:{user_id}"


def _absolute(url: str) -> str:
    return site_url(url) if url.startswith("/") else url


def _items(rows: list[Delivery]) -> list[dict[str, Any]]:
    items = []
    for row in rows:
        declaration = registry.get(row.notification_type.name) if row.notification_type.name in registry else None
        items.append(
            {
                "title": str(row.context.get("title") or row.notification_type.display_name),
                "message": str(row.context.get("message", "")),
                "url": _absolute(str(row.context.get("url", ""))),
                "category": declaration.category if declaration else row.notification_type.category,
                "created_at": row.created_at,
            }
        )
    return items


def _message(digest: Digest, rows: list[Delivery], connection: Any) -> EmailMultiAlternatives:
    user = digest.user
    items = _items(rows)
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_category[item["category"]].append(item)
    categories = [
        {
            "name": name,
            "items": grouped,
            "unsubscribe_url": category_unsubscribe_url(user_id=user.pk, category=name, backend="email"),
        }
        for name, grouped in sorted(by_category.items())
    ]
    all_url = unsubscribe_all_url(user_id=user.pk)
    context = {
        "user": user,
        "categories": categories,
        "count": len(items),
        "site_url": site_url("/"),
        "preferences_url": site_url("/preferences/notifications/"),
        "unsubscribe_all_url": all_url,
    }
    subject = f"Your digest: {len(items)} notification{'s' if len(items) != 1 else ''}"
    headers = {
        "Message-ID": f"<digest-{digest.pk}@portal>",
        "List-Unsubscribe": f"<{all_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email/digest.txt", context),
        to=[user.email],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
    return message


def _connection() -> Any:
    backend = conf.get("NOTIFICATIONS_EMAIL_CONNECTION") or None
    file_path = conf.get("NOTIFICATIONS_EMAIL_FILE_PATH")
    return get_connection(backend, **({"file_path": file_path} if file_path else {}))


def digest_send(*, user_id: int, due_at: datetime, connection: Any) -> Digest | None:
    """Send the digest of one person due at `due_at` if it was not sent yet; return it (None: nothing to send).

    Its rows are claimed first (status "sending", the digest's id, a lease) in a transaction that commits before
    the SMTP exchange, so no database transaction stays open on the mail server and a second worker skips them.
    Once the server accepted the email they are marked sent; if it refused, they are due again on the next run.
    A worker killed in between leaves them "sending" under its lease; once it is over the next run sends them
    (the one email that may reach its reader twice; Message-ID is the digest's, the same both times).
    """
    token = uuid.uuid4().hex
    with transaction.atomic():
        digest, _ = Digest.objects.select_for_update().get_or_create(user_id=user_id, due_at=due_at)
        moment = timing.now()
        lease_over = Q(status=Status.SENDING, digest=digest, claimed_until__lt=timezone.now())
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification_type", "user")
            .filter(Q(status=Status.DIGESTED, digest_due_at=due_at) | lease_over, user_id=user_id)
            .order_by("created_at", "pk")
        )
        if not rows:
            return None
        read = set(
            InboxMessage.objects.filter(
                delivery__idempotency_key__in=[_in_app_key(row) for row in rows], read_at__isnull=False
            ).values_list("delivery__idempotency_key", flat=True)
        )
        already_read = [row for row in rows if _in_app_key(row) in read]
        unread = [row for row in rows if _in_app_key(row) not in read]
        Delivery.objects.filter(pk__in=[row.pk for row in already_read]).update(
            status=Status.SKIPPED, reason=Reason.ALREADY_READ, digest=digest, claim="", updated_at=moment
        )
        if not unread:
            return digest
        if not digest.user.email:
            Delivery.objects.filter(pk__in=[row.pk for row in unread]).update(
                status=Status.SKIPPED, reason=Reason.NO_EMAIL_ADDRESS, claim="", updated_at=moment
            )
            return digest
        lease = timezone.now() + timedelta(seconds=conf.get("NOTIFICATIONS_CLAIM_SECONDS"))
        Delivery.objects.filter(pk__in=[row.pk for row in unread]).update(
            status=Status.SENDING, digest=digest, claim=token, claimed_until=lease, updated_at=moment
        )
    claimed = Delivery.objects.filter(digest=digest, status=Status.SENDING, claim=token)
    message = _message(digest, unread, connection)
    try:
        message.send()
    except Exception as exc:
        with transaction.atomic():
            claimed.update(status=Status.DIGESTED, claim="", claimed_until=None, updated_at=timing.now())
            digest.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            digest.save(update_fields=["last_error"])
        raise
    moment = timing.now()
    with transaction.atomic():
        digest.sent_at, digest.subject, digest.last_error = moment, str(message.subject), ""
        digest.sent_payload = {"to": digest.user.email, "subject": message.subject, "headers": message.extra_headers}
        digest.save(update_fields=["sent_at", "subject", "sent_payload", "last_error"])
        claimed.update(
            status=Status.SENT,
            sent_at=moment,
            attempts=1,
            sent_payload={"digest": digest.pk, "subject": message.subject},
            claim="",
            claimed_until=None,
            updated_at=moment,
        )
    return digest


def digests_send_due(*, limit: int = 1000) -> int:
    """Send every digest of this schema that is due; return how many emails went out."""
    moment = timing.now()
    # A digest whose sender died mid-send (its rows "sending", the lease over) is due again, at its own time.
    abandoned = Q(status=Status.SENDING, claimed_until__lt=timezone.now())
    due = (
        Delivery.objects.filter(Q(status=Status.DIGESTED, digest_due_at__lte=moment) | abandoned)
        .values_list("user_id", "digest_due_at")
        .order_by("digest_due_at", "user_id")
        .distinct()[:limit]
    )
    sent = 0
    connection = _connection()
    with connection:
        for user_id, due_at in list(due):
            assert due_at is not None  # filtered on digest_due_at__lte
            try:
                digest = digest_send(user_id=user_id, due_at=due_at, connection=connection)
            except Exception:  # one person's failing digest must not stop the others'; the rows stay due
                logger.exception(
                    "Digest for user %s due %s failed; it is tried again on the next run.", user_id, due_at
                )
                continue
            if digest is not None and digest.sent_at is not None:
                sent += 1
    return sent
