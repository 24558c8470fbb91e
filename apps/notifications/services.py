"""Writes: preferences per scope, sending (the outbox), delivering, retrying, the inbox."""

from __future__ import annotations

import json
import logging
import math
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Subquery
from django.utils import timezone
from django_tenants.utils import schema_context
from kombu.exceptions import OperationalError

from apps.core.tenancy import current_schema_name
from apps.notifications import conf, timing
from apps.notifications.backends import BaseBackend, DeliverySkipped, backend_get
from apps.notifications.backends.base import Result
from apps.notifications.models import Backend, Delivery, InboxMessage, NotificationSetting
from apps.notifications.registry import Notification, registry
from apps.notifications.selectors import (
    backend_is_enabled,
    backends_by_name,
    id_array,
    notification_settings_load,
    notification_type_get,
    user_has_permissions,
)

logger = logging.getLogger(__name__)
Scope = NotificationSetting.Scope
Status = Delivery.Status
Reason = Delivery.Reason


class MandatoryNotificationError(ValueError):
    """Raised when someone tries to store a preference for a mandatory notification."""


class StaleSettingError(ValueError):
    """Raised when a stored cell moved since the caller read it; nothing was written.

    `current` is the value stored now (None: not set at this scope), `changed_at` when it was written (None
    when the row was removed, which leaves no time behind).
    """

    def __init__(self, *, backend: str, current: bool | None, changed_at: datetime | None) -> None:
        super().__init__("Changed by someone else since you opened this page.")
        self.backend, self.current, self.changed_at = backend, current, changed_at


# --- Preferences ---------------------------------------------------------------------------------


def _declaration(name: str) -> Notification:
    try:
        return registry.get(name)
    except LookupError as exc:
        raise ValueError(str(exc)) from None


def _normalize(declaration: Notification, prefs: Mapping[Any, bool]) -> dict[str, bool]:
    """Return backend name → bool; raise ValueError naming the first unknown or disallowed backend."""
    normalized: dict[str, bool] = {}
    for key, value in prefs.items():
        name = key.name if isinstance(key, BaseBackend | Backend) else str(key)
        backend_get(name)  # ValueError naming an unknown backend
        if name not in declaration.backends:
            raise ValueError(f"Notification {declaration.name!r} does not use backend {name!r}.")
        if not isinstance(value, bool):
            raise ValueError(f"The value for backend {name!r} must be True or False, not {value!r}.")
        normalized[name] = value
    if declaration.mandatory and normalized:
        raise MandatoryNotificationError(f"Notification {declaration.name!r} is mandatory and cannot be changed.")
    return normalized


def _cells_lock(*, scope: str, owner: dict[str, Any], notification: str) -> dict[str, NotificationSetting]:
    """Lock one owner's cells of `notification` for this transaction; return its stored rows by backend name."""
    # Serialise writers of this owner's cells: SELECT … FOR UPDATE locks nothing while a cell has no row,
    # and two first writers would both INSERT (an IntegrityError on the partial unique index).
    owner_key = ",".join(f"{field}={getattr(value, 'pk', value)}" for field, value in sorted(owner.items()))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"notifications:{current_schema_name()}:{scope}:{owner_key}:{notification}"],
        )
    return {
        row.backend.name: row
        for row in NotificationSetting.objects.select_for_update()
        .select_related("backend")
        .filter(scope=scope, notification_type__name=notification, **owner)
    }


def _expected_check(existing: dict[str, NotificationSetting], expected: Mapping[str, bool | None] | None) -> None:
    """Raise StaleSettingError for the first backend whose stored value is not the one the caller saw."""
    for name, seen in (expected or {}).items():
        row = existing.get(name)
        if row is None and seen is not None:
            raise StaleSettingError(backend=name, current=None, changed_at=None)
        if row is not None and row.value != seen:
            raise StaleSettingError(backend=name, current=row.value, changed_at=row.updated_at)


@transaction.atomic
def _settings_write(
    *,
    scope: str,
    owner: dict[str, Any],
    notification: str,
    prefs: dict[str, bool],
    expected: Mapping[str, bool | None] | None = None,
) -> dict[str, str]:
    """Upsert one scope's rows; return backend → 'created' | 'updated' for the rows that changed."""
    notification_type = notification_type_get(notification)
    backends = backends_by_name()
    existing = _cells_lock(scope=scope, owner=owner, notification=notification)
    _expected_check(existing, expected)
    changes: dict[str, str] = {}
    for name, value in prefs.items():
        if name not in backends:
            raise ValueError(f"Backend {name!r} is not synced into this schema; run `manage.py notifications_sync`.")
        row = existing.get(name)
        if row is None:
            NotificationSetting.objects.create(
                scope=scope, notification_type=notification_type, backend=backends[name], value=value, **owner
            )
            changes[name] = "created"
        elif row.value != value:
            row.value = value
            row.save(update_fields=["value", "updated_at"])
            changes[name] = "updated"
    return changes


def user_preferences_update(
    *, user: Any, notification: str, prefs: Mapping[Any, bool], expected: Mapping[str, bool | None] | None = None
) -> dict[str, str]:
    """Store `user`'s own choices. Without a required permission a user may only turn off a choice they hold.

    `expected` maps backend names to the value the caller saw stored (None: not set); if one moved since,
    StaleSettingError is raised and nothing is written. Without it nothing is checked.
    """
    declaration = _declaration(notification)
    values = _normalize(declaration, prefs)
    if not user_has_permissions(user, declaration.required_permissions):
        held = set(
            NotificationSetting.objects.filter(
                scope=Scope.USER, user=user, notification_type__name=notification
            ).values_list("backend__name", flat=True)
        )
        if any(value or name not in held for name, value in values.items()):
            raise PermissionDenied(f"{user} lacks a permission that {notification!r} requires.")
    return _settings_write(
        scope=Scope.USER, owner={"user": user}, notification=notification, prefs=values, expected=expected
    )


def group_preferences_update(
    *, group: Group, notification: str, prefs: Mapping[Any, bool], expected: Mapping[str, bool | None] | None = None
) -> dict[str, str]:
    """Store defaults for the members of `group` (`expected` as for user_preferences_update)."""
    values = _normalize(_declaration(notification), prefs)
    return _settings_write(
        scope=Scope.GROUP, owner={"group": group}, notification=notification, prefs=values, expected=expected
    )


def tenant_defaults_update(
    *, notification: str, prefs: Mapping[Any, bool], expected: Mapping[str, bool | None] | None = None
) -> dict[str, str]:
    """Store the tenant's defaults, used when neither a user nor their groups chose (`expected` as above)."""
    values = _normalize(_declaration(notification), prefs)
    return _settings_write(scope=Scope.TENANT, owner={}, notification=notification, prefs=values, expected=expected)


@transaction.atomic
def preference_clear(
    *,
    scope: str,
    notification: str,
    backend: str,
    user: Any = None,
    group: Group | None = None,
    expected: Mapping[str, bool | None] | None = None,
) -> int:
    """Remove one stored value so the cell inherits again; return how many rows were removed (0 or 1).

    `expected` ({backend: the value the caller saw, None if not set}) refuses a cell that moved since with
    StaleSettingError; without it nothing is checked. An unknown notification, or a backend it does not use,
    raises ValueError, as a write of it does.
    """
    declaration = _declaration(notification)
    backend_get(backend)  # ValueError naming an unknown backend
    if backend not in declaration.backends:
        raise ValueError(f"Notification {declaration.name!r} does not use backend {backend!r}.")
    owner = {"user": user} if scope == Scope.USER else {"group": group} if scope == Scope.GROUP else {}
    existing = _cells_lock(scope=scope, owner=owner, notification=notification)
    _expected_check(existing, expected)
    row = existing.get(backend)
    if row is None:
        return 0
    row.delete()
    return 1


def user_preferences_clear(*, users: Any) -> int:
    """Remove the own preferences of a user or an iterable of users; return how many rows were removed."""
    if isinstance(users, QuerySet):
        user_ids: Any = users.values("pk")
    elif hasattr(users, "pk"):
        user_ids = [users.pk]
    else:
        user_ids = [user.pk for user in users]
    deleted, _ = NotificationSetting.objects.filter(scope=Scope.USER, user_id__in=user_ids).delete()
    return deleted


# --- Sending: the outbox -------------------------------------------------------------------------


def _recipients(users: Any, groups: Any) -> QuerySet[Any]:
    user_model = get_user_model()
    condition = Q(pk__in=[])
    if users is not None:
        if isinstance(users, QuerySet):
            condition |= Q(pk__in=users.values("pk"))
        else:
            condition |= Q(pk__in=[users.pk] if hasattr(users, "pk") else id_array(user.pk for user in users))
    if groups is not None:
        if isinstance(groups, QuerySet):
            group_ids: Any = groups.values("pk")
        else:
            group_ids = [groups.pk] if hasattr(groups, "pk") else [group.pk for group in groups]
        condition |= Q(pk__in=user_model.groups.through.objects.filter(group_id__in=group_ids).values("user_id"))
    return user_model.objects.filter(condition)


def notification_send(
    *, name: str, users: Any = None, groups: Any = None, context: Mapping[str, Any] | None = None
) -> list[Delivery]:
    """Write one pending delivery per (recipient, backend) that is on, and a skipped row with the reason for each
    that is not; return the pending rows. They are queued for the workers when the caller's transaction commits.
    """
    declaration = _declaration(name)
    payload = dict(context or {})
    try:
        json.dumps(payload)
    except TypeError as exc:
        raise ValueError(f"The context of {name!r} must be JSON-serializable: {exc}") from None
    # Inactive recipients are loaded too, so each gets a skipped row saying why nothing was sent.
    loaded = notification_settings_load(users=_recipients(users, groups), notifications=[name])
    notification_type = loaded.type_of(name)
    batch = uuid.uuid4().hex
    now = timezone.now()
    # Rows in the order they are written: a model instance for each that may go out (timing may still hold,
    # digest or skip it), and for each resolved off only (user id, backend, reason, source): a big send is
    # mostly skipped rows, and building a model instance for each cost more than writing them.
    rows: list[Delivery | tuple[int, Backend, str, str]] = []
    for backend_name in loaded.backends_of(name):
        backend = loaded.backends[backend_name]
        enabled = backend_is_enabled(backend)
        for user_id, resolution in loaded.resolve_all(name, backend_name).items():
            if not resolution.value:
                rows.append((user_id, backend, resolution.reason, resolution.source))
            elif not enabled:
                rows.append((user_id, backend, Reason.BACKEND_DISABLED, resolution.source))
            else:
                rows.append(
                    Delivery(
                        notification_type=notification_type,
                        user_id=user_id,
                        backend=backend,
                        context=payload,
                        status=Status.PENDING,
                        reason=Reason.NONE,
                        source=resolution.source,
                        idempotency_key=f"{declaration.name}:{batch}:{backend_name}:{user_id}",
                        next_attempt_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )
    candidates = [row for row in rows if isinstance(row, Delivery)]
    # Quiet hours, digests, a pause or unsubscribe-from-all turn some pending rows into held, digested or skipped
    # ones, each with its reason; only the rows still pending are queued.
    timing.rows_time(candidates, declaration)
    _deliveries_copy(
        rows, notification_type_id=notification_type.pk, context=payload, key=f"{declaration.name}:{batch}", now=now
    )
    pending = [row for row in candidates if row.status == Status.PENDING]
    if len(rows) >= ANALYZE_AFTER_ROWS:
        # Before the batches are queued, so they read the new statistics.
        schema = current_schema_name()
        transaction.on_commit(lambda: _deliveries_analyze(schema))
    batches_enqueue_on_commit(Counter(row.backend.name for row in pending))
    return pending


# A send that writes this many rows refreshes the table's statistics once committed. Until autovacuum does it (a
# minute or more later) PostgreSQL plans each batch's claim as if the table were nearly empty: it sorted every
# pending row of a 100,000-person send for each batch of 500 instead of reading the first 500 off the index.
ANALYZE_AFTER_ROWS = 10_000


def _deliveries_analyze(schema: str) -> None:
    with schema_context(schema), connection.cursor() as cursor:
        # SKIP_LOCKED: when autovacuum or another send is analyzing the table already, theirs will do.
        cursor.execute(f"ANALYZE (SKIP_LOCKED) {connection.ops.quote_name(Delivery._meta.db_table)}")


# The columns a new outbox row is written with, in the order of the tuples _deliveries_copy builds.
_COPIED = (
    "id, notification_type_id, user_id, backend_id, context, status, reason, source, attempts, last_error, "
    "idempotency_key, sent_payload, created_at, updated_at, next_attempt_at, held_until, held_zone, digest_due_at, "
    "claim"
)


def _deliveries_copy(
    rows: Sequence[Delivery | tuple[int, Backend, str, str]],
    *,
    notification_type_id: int,
    context: Mapping[str, Any],
    key: str,
    now: datetime,
) -> None:
    """Write `rows` with one COPY: the instances as they are (given their ids), the tuples as skipped rows.

    COPY, not bulk_create: a send to 100,000 people on three backends writes 300,000 rows, and bulk_create spent
    over a minute preparing their values. Ids come from the table's sequence first, so the instances returned to
    the caller carry them.
    """
    if not rows:
        return
    table = connection.ops.quote_name(Delivery._meta.db_table)
    context_json = json.dumps(context)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Delivery._meta.db_table, len(rows)],
        )
        ids = [row_id for (row_id,) in cursor.fetchall()]
        with cursor.copy(f"COPY {table} ({_COPIED}) FROM STDIN") as copy:
            for row_id, row in zip(ids, rows, strict=True):
                if isinstance(row, Delivery):
                    row.pk = row_id
                    row._state.adding, row._state.db = False, connection.alias
                    copy.write_row(
                        (
                            row_id, notification_type_id, row.user_id, row.backend_id, context_json, row.status,
                            row.reason, row.source, 0, "", row.idempotency_key, "{}", now, now, row.next_attempt_at,
                            row.held_until, row.held_zone, row.digest_due_at, "",
                        )
                    )  # fmt: skip
                else:
                    user_id, backend, reason, source = row
                    copy.write_row(
                        (
                            row_id, notification_type_id, user_id, backend.pk, context_json, Status.SKIPPED, reason,
                            source, 0, "", f"{key}:{backend.name}:{user_id}", "{}", now, now, now, None, "", None, "",
                        )
                    )  # fmt: skip


def batches_enqueue_on_commit(pending: Mapping[str, int]) -> None:
    """Once the current transaction commits, queue enough batch tasks for `pending` (backend name → new rows).

    A task names a backend, not rows: it claims whichever pending rows of that backend are due in this schema,
    so a duplicate or a late task finds nothing left and costs one query. Nothing is queued on a rollback.
    """
    counts = {name: count for name, count in pending.items() if count}
    if not counts:
        return
    schema = current_schema_name()
    size = max(int(conf.get("NOTIFICATIONS_BATCH_SIZE")), 1)

    def enqueue() -> None:
        # Imported here, not at the top: the task calls back into this module (tasks sit above services).
        from apps.notifications.tasks import deliver_batch

        # The task runs in the schema active when it is queued (tenant-schemas-celery), so pin it.
        with schema_context(schema):
            try:
                for name, count in counts.items():
                    for _ in range(math.ceil(count / size)):
                        # The rows hold the outcome; without ignore_result, queueing also subscribes to the result
                        # store, which retries for about 20 s when Redis is down.
                        deliver_batch.apply_async((name,), ignore_result=True)
            except OperationalError:
                # The broker is unreachable. The rows are committed and pending, so the periodic re-queue sends
                # them once it is back; failing the caller's request would undo nothing.
                logger.warning("Broker unreachable; %d deliveries wait for the re-queue.", sum(counts.values()))

    transaction.on_commit(enqueue)


def deliveries_enqueue_on_commit(delivery_ids: list[int]) -> None:
    """Hand these pending deliveries to the workers once the transaction commits (as batches_enqueue_on_commit)."""
    if not delivery_ids:
        return
    backends = Delivery.objects.filter(pk__in=delivery_ids).values_list("backend__name", flat=True)
    batches_enqueue_on_commit(Counter(backends))


# --- Delivering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt did; `retry_in` is set when the caller should try again later."""

    status: str | None
    retry_in: int | None = None


@dataclass(frozen=True)
class BatchOutcome:
    """What one batch did: each claimed row's new status, and the backoffs after which failed rows are due again."""

    statuses: dict[int, str] = field(default_factory=dict)
    retries: frozenset[int] = frozenset()

    @property
    def claimed(self) -> int:
        return len(self.statuses)


def _backoff(attempts: int) -> int:
    return min(conf.get("NOTIFICATIONS_RETRY_BASE_SECONDS") * 2 ** max(attempts - 1, 0), 6 * 60 * 60)


# What a batch writes back on each row, with the PostgreSQL type of each column for the VALUES list below.
_RECORDED = (
    ("status", "text"),
    ("reason", "text"),
    ("attempts", "integer"),
    ("last_error", "text"),
    ("sent_payload", "jsonb"),
    ("sent_at", "timestamptz"),
    ("next_attempt_at", "timestamptz"),
    ("claim", "text"),
    ("claimed_until", "timestamptz"),
    ("updated_at", "timestamptz"),
)


def _rows_update(rows: Sequence[Delivery], *, held_by: str | None = None) -> set[int]:
    """Write each row's outcome in one UPDATE … FROM (VALUES …); return the ids of the rows written.

    With `held_by` only the rows still pending under that claim are written: past its lease another batch may
    have taken (and sent) a row, and its outcome is that batch's to record. Not QuerySet.bulk_update: its CASE
    WHEN per field and row costs seconds of Python for a batch of 500.
    """
    if not rows:
        return set()
    table = connection.ops.quote_name(Delivery._meta.db_table)
    columns = ", ".join(name for name, _ in _RECORDED)
    placeholders = "(" + ", ".join(["%s::bigint", *(f"%s::{kind}" for _, kind in _RECORDED)]) + ")"
    params: list[Any] = []
    for row in rows:
        params.append(row.pk)
        for name, _ in _RECORDED:
            value = getattr(row, name)
            params.append(json.dumps(value) if name == "sent_payload" else value)
    assignments = ", ".join(f"{name} = v.{name}" for name, _ in _RECORDED)
    guard = ""
    if held_by is not None:
        guard = " AND d.claim = %s AND d.status = %s"
        params += [held_by, Status.PENDING]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS d SET {assignments} FROM (VALUES {', '.join([placeholders] * len(rows))}) "
            f"AS v(id, {columns}) WHERE d.id = v.id{guard} RETURNING d.id",
            params,
        )
        return {row_id for (row_id,) in cursor.fetchall()}


def _claimable(backend: str, delivery_ids: Sequence[int] | None, now: datetime) -> QuerySet[Delivery]:
    """The pending rows of `backend` no live batch holds: the given ones, or else those due now, oldest first."""
    # The backend's id as a subquery, not a join: with one known backend the index on (backend, id) hands the
    # rows over in id order, and the batch's LIMIT stops after its first rows instead of sorting them all.
    backend_id = Subquery(Backend.objects.filter(name=backend).order_by().values("pk")[:1])
    rows = Delivery.objects.filter(status=Status.PENDING, backend_id=backend_id).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    # Named rows are delivered whatever their next attempt time (a redelivered task, delivery_deliver).
    rows = rows.filter(pk__in=list(delivery_ids)) if delivery_ids is not None else rows.filter(next_attempt_at__lte=now)
    return rows.order_by("pk")


def _loaded(rows: QuerySet[Delivery]) -> QuerySet[Delivery]:
    return rows.select_related("backend", "notification_type", "user", "user__profile")


def _record(delivery: Delivery, result: Result, now: datetime) -> int | None:
    """Put `result` on `delivery` (not saved); return the backoff when the row is to be tried again."""
    delivery.attempts += 1
    delivery.claim, delivery.claimed_until, delivery.updated_at = "", None, now
    if isinstance(result, DeliverySkipped):
        delivery.status, delivery.reason = Status.SKIPPED, result.reason
        return None
    if isinstance(result, Exception):
        delivery.last_error = f"{type(result).__name__}: {result}"[:2000]
        if delivery.attempts >= conf.get("NOTIFICATIONS_MAX_ATTEMPTS"):
            delivery.status = Status.FAILED
            logger.warning("Delivery %s failed for good: %s", delivery.pk, delivery.last_error)
            return None
        retry_in = _backoff(delivery.attempts)
        delivery.next_attempt_at = now + timedelta(seconds=retry_in)
        return retry_in
    delivery.status, delivery.sent_payload, delivery.sent_at, delivery.last_error = Status.SENT, result, now, ""
    return None


def _save_outcomes(rows: Sequence[Delivery], results: Sequence[Result]) -> tuple[dict[int, str], set[int]]:
    now = timezone.now()
    retries = {retry for row, result in zip(rows, results, strict=True) if (retry := _record(row, result, now))}
    _rows_update(rows)
    return {row.pk: row.status for row in rows}, retries


def _skip_disabled(rows: Sequence[Delivery]) -> dict[int, str]:
    now = timezone.now()
    for row in rows:
        row.status, row.reason, row.claim, row.claimed_until, row.updated_at = (
            Status.SKIPPED,
            Reason.BACKEND_DISABLED,
            "",
            None,
            now,
        )
    _rows_update(rows)
    return {row.pk: row.status for row in rows}


def deliveries_deliver_batch(
    *, backend: str, delivery_ids: Sequence[int] | None = None, limit: int | None = None
) -> BatchOutcome:
    """Deliver up to `limit` pending rows of `backend` in this schema (the given ones, or those due); never one twice.

    A transactional backend (in-app, SMS) is sent inside the transaction that locked the rows
    (`FOR UPDATE SKIP LOCKED`) and records their outcomes: a killed worker leaves every row pending and nothing
    written, another batch skips locked rows, and the unique delivery link of an inbox message backs it up.
    Email cannot share the transaction: its batch claims the rows under a lease first, sends on one connection,
    and records outcomes every NOTIFICATIONS_RECORD_EVERY messages, each update only for rows it still holds.
    """
    implementation = backend_get(backend)
    size = limit or max(int(conf.get("NOTIFICATIONS_BATCH_SIZE")), 1)
    now = timezone.now()
    if implementation.transactional:
        with transaction.atomic():
            # The ids first, then their rows with what rendering needs: locking a join of the users and profiles
            # made PostgreSQL join and sort every pending row of a big send before taking the first 500.
            ids = list(
                _claimable(backend, delivery_ids, now)
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:size]
            )
            if not ids:
                return BatchOutcome()
            rows = list(_loaded(Delivery.objects.filter(pk__in=ids)).order_by("pk"))
            if not backend_is_enabled(rows[0].backend):
                return BatchOutcome(_skip_disabled(rows))
            sent, backoffs = _save_outcomes(rows, implementation.send_batch(rows))
            return BatchOutcome(sent, frozenset(backoffs))

    token = uuid.uuid4().hex
    lease = now + timedelta(seconds=conf.get("NOTIFICATIONS_CLAIM_SECONDS"))
    ids = _claim(_claimable(backend, delivery_ids, now), size=size, token=token, lease=lease)
    if not ids:
        return BatchOutcome()
    claimed = list(_loaded(Delivery.objects.filter(pk__in=ids)).order_by("pk"))
    if not backend_is_enabled(claimed[0].backend):
        return BatchOutcome(_skip_disabled(claimed))
    statuses: dict[int, str] = {}
    retries: set[int] = set()
    # The uncertainty window: a worker killed between handing a message to the SMTP server and recording it
    # leaves that row pending under its claim, and once the lease is over another batch sends it again. Outcomes
    # are recorded every NOTIFICATIONS_RECORD_EVERY messages (50: a quarter of a second at 200 messages/s), so at
    # most that many messages of a killed batch can reach their recipient twice; none is lost.
    every = max(int(conf.get("NOTIFICATIONS_RECORD_EVERY")), 1)
    mail_connection = implementation.connection_open()  # one SMTP session for the whole batch
    try:
        for start in range(0, len(claimed), every):
            chunk = claimed[start : start + every]
            _record_held(chunk, implementation.send_batch(chunk, mail_connection), token, statuses, retries)
    finally:
        implementation.connection_close(mail_connection)
    return BatchOutcome(statuses, frozenset(retries))


def _claim(claimable: QuerySet[Delivery], *, size: int, token: str, lease: datetime) -> list[int]:
    """Claim up to `size` of `claimable` for the batch `token` until `lease`, in one statement; return their ids.

    The rows are locked as they are chosen (SKIP LOCKED: a concurrent claim takes others) and marked in the same
    UPDATE, which commits at once, so no other batch can take them until the lease is over.
    """
    table = connection.ops.quote_name(Delivery._meta.db_table)
    select, params = claimable.values("pk")[:size].query.sql_with_params()
    with connection.cursor() as cursor:
        # OF the delivery table: locking the joined backend row too would make every other claim skip all rows.
        cursor.execute(
            f"UPDATE {table} SET claim = %s, claimed_until = %s "
            f"WHERE id IN ({select} FOR UPDATE OF {table} SKIP LOCKED) RETURNING id",
            [token, lease, *params],
        )
        return sorted(row_id for (row_id,) in cursor.fetchall())


def _record_held(
    chunk: Sequence[Delivery], results: Sequence[Result], token: str, statuses: dict[int, str], retries: set[int]
) -> None:
    """Record the outcomes of `chunk` in one statement, for the rows still held under `token`.

    Adds the recorded rows to `statuses` and the backoffs of those to be tried again to `retries`.
    """
    now = timezone.now()
    backoffs = {row.pk: _record(row, result, now) for row, result in zip(chunk, results, strict=True)}
    by_id = {row.pk: row for row in chunk}
    for row_id in _rows_update(chunk, held_by=token):
        statuses[row_id] = by_id[row_id].status
        if backoff := backoffs[row_id]:
            retries.add(backoff)


def delivery_deliver(*, delivery_id: int) -> Outcome:
    """Deliver one pending row now (whatever its next attempt time); a row held or done elsewhere is left alone."""
    backend = Delivery.objects.filter(pk=delivery_id).values_list("backend__name", flat=True).first()
    if backend is None:
        return Outcome(None)
    outcome = deliveries_deliver_batch(backend=backend, delivery_ids=[delivery_id])
    status = outcome.statuses.get(delivery_id)
    retry_in = min(outcome.retries) if status == Status.PENDING and outcome.retries else None
    return Outcome(status, retry_in)


def deliveries_requeue_stale() -> int:
    """Queue batches again for the pending rows of this schema that no worker took in time; return how many rows.

    Rows a live batch holds (lease not over) are left to it; the claim keeps a row out of two batches anyway.
    """
    now = timezone.now()
    cutoff = now - timedelta(seconds=conf.get("NOTIFICATIONS_STALE_AFTER_SECONDS"))
    stale = Delivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=cutoff).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    with transaction.atomic():
        per_backend = stale.order_by().values("backend__name").annotate(rows=Count("pk"))
        counts = Counter({row["backend__name"]: row["rows"] for row in per_backend})
        # Moving the clock forward stops the next run from queueing them again while they wait in the queue.
        stale.update(next_attempt_at=now)
        batches_enqueue_on_commit(counts)
    return sum(counts.values())


def deliveries_release_held() -> int:
    """Turn this schema's held rows whose quiet hours ended into pending ones and queue them; return how many."""
    moment = timing.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Status.HELD, held_until__lte=moment)
            .values_list("pk", flat=True)[:10000]
        )
        Delivery.objects.filter(pk__in=ids).update(status=Status.PENDING, next_attempt_at=moment, updated_at=moment)
        deliveries_enqueue_on_commit(ids)
    return len(ids)


def delivery_retry(*, delivery: Delivery) -> Delivery:
    """Give a failed delivery a fresh set of attempts and queue it."""
    if delivery.status != Status.FAILED:
        raise ValueError("Only failed deliveries can be retried.")
    with transaction.atomic():
        delivery.status, delivery.attempts, delivery.next_attempt_at = Status.PENDING, 0, timezone.now()
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        deliveries_enqueue_on_commit([delivery.pk])
    return delivery


# --- Inbox ---------------------------------------------------------------------------------------


def inbox_mark_read(*, user: Any, message_ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s messages read (all unread ones when no ids are given); return how many changed."""
    unread = InboxMessage.objects.filter(user=user, read_at__isnull=True)
    if message_ids is not None:
        unread = unread.filter(pk__in=list(message_ids))
    return unread.update(read_at=timezone.now())
