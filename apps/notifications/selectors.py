"""Reads: synced rows, the settings that resolve preferences, the matrices, inbox and deliveries.

Nothing here writes: notifications and backends are synced when a tenant is provisioned or migrated and by
`manage.py notifications_sync` (see `sync.py`), never while a page is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from apps.accounts.models import group_rank
from apps.core.prepared import PreparedQuery
from apps.notifications import conf
from apps.notifications.models import Backend, Delivery, InboxMessage, NotificationSetting, NotificationType
from apps.notifications.registry import Notification, registry
from apps.notifications.resolution import (
    MANDATORY,
    NotificationNotSynced,
    NotificationSettings,
    Resolution,
    sorted_by_rank,
)

Scope = NotificationSetting.Scope


def id_array(ids: Iterable[int]) -> RawSQL:
    """Return `ids` for a `pk__in=` filter as one array parameter.

    A list passed to `__in` becomes one placeholder per id: for the 100,000 recipients of a big send, building and
    parsing that statement took seconds, and each subquery that reuses the filter repeats it.
    """
    return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])


# --- Synced rows ---------------------------------------------------------------------------------


def notification_type_get(name: str) -> NotificationType:
    """Return the synced, active row of a declared notification; raise NotificationNotSynced if there is none."""
    registry.get(name)  # LookupError for a name nobody declared
    row = NotificationType.objects.filter(name=name, is_active=True).first()
    if row is None:
        raise NotificationNotSynced(
            f"Notification {name!r} is not synced into this schema; run `manage.py notifications_sync`."
        )
    return row


# Read on every matrix and every send: compiled once per connection (it has no parameter of its own).
_active_backends = PreparedQuery(lambda _: Backend.objects.filter(is_active=True), uses=0)


def backends_by_name() -> dict[str, Backend]:
    """Return this tenant's active backend rows by name."""
    return {row.name: row for row in _active_backends.models()}


def backend_is_enabled(backend: Backend) -> bool:
    """Return whether `backend` may send: enabled in this tenant and not switched off site-wide."""
    return backend.enabled and backend.name not in conf.get("NOTIFICATIONS_DISABLED_BACKENDS")


# --- Permissions, set-based ----------------------------------------------------------------------


def _permission_filter(perms: Iterable[str]) -> Q:
    condition = Q(pk__in=[])
    for perm in perms:
        app_label, _, codename = perm.partition(".")
        condition |= Q(content_type__app_label=app_label, codename=codename)
    return condition


def permission_holders(users: QuerySet[Any], perms: Iterable[str]) -> dict[str, set[int]]:
    """Return permission name → ids among `users` holding it directly or through a group (one query).

    Superusers are not special-cased here; callers treat them as holding every permission.
    """
    perms = set(perms)
    if not perms:
        return {}
    user_model = get_user_model()
    permission_ids = Permission.objects.filter(_permission_filter(perms)).values("pk")
    user_ids = users.values("pk")
    direct = user_model.user_permissions.through.objects.filter(
        user_id__in=user_ids, permission_id__in=permission_ids
    ).values_list("user_id", "permission__content_type__app_label", "permission__codename")
    # The values reuse the join of the filter, so each row names a permission that is among `perms`.
    through_groups = user_model.groups.through.objects.filter(
        user_id__in=user_ids, group__permissions__in=permission_ids
    ).values_list("user_id", "group__permissions__content_type__app_label", "group__permissions__codename")
    holders: dict[str, set[int]] = defaultdict(set)
    for user_id, app_label, codename in direct.order_by().union(through_groups.order_by()):
        holders[f"{app_label}.{codename}"].add(user_id)
    return holders


def _holders_of_one(user_id: Any, perms: tuple[str, ...]) -> QuerySet[Any]:
    """The query of `permission_holders` for one user (`user_id`, used by both parts of the union)."""
    user_model = get_user_model()
    permission_ids = Permission.objects.filter(_permission_filter(perms)).values("pk")
    direct = user_model.user_permissions.through.objects.filter(
        user_id=user_id, permission_id__in=permission_ids
    ).values_list("user_id", "permission__content_type__app_label", "permission__codename")
    through_groups = user_model.groups.through.objects.filter(
        user_id=user_id, group__permissions__in=permission_ids
    ).values_list("user_id", "group__permissions__content_type__app_label", "group__permissions__codename")
    return direct.order_by().union(through_groups.order_by())


# The member's matrix checks one person's permissions on every view: compiled once per permission set.
_one_user_holders = PreparedQuery(_holders_of_one, uses=2, keyed=True)


def permission_holders_of_one(user_id: int, perms: Iterable[str]) -> dict[str, set[int]]:
    """Return what `permission_holders` returns for the one person `user_id` (active or not, superuser or not)."""
    key = tuple(sorted(set(perms)))
    if not key:
        return {}
    holders: dict[str, set[int]] = defaultdict(set)
    for holder_id, app_label, codename in _one_user_holders.rows(user_id, key=key):
        holders[f"{app_label}.{codename}"].add(holder_id)
    return holders


def user_has_permissions(user: Any, perms: tuple[str, ...]) -> bool:
    """Return whether `user` holds `perms` now (read fresh, unlike has_perm's per-object cache)."""
    if not perms or (user.is_active and user.is_superuser):
        return True
    if not user.is_active:
        return False
    holders = permission_holders_of_one(user.pk, perms)
    return all(user.pk in holders.get(perm, ()) for perm in perms)


# --- The settings that resolve preferences -------------------------------------------------------


# The single-person path (the member's matrix, a member's effective settings, one save): each query compiled
# once per connection and key, then run with the person's id. The keys hold the parameters that are fixed for a
# tenant (declared names, synced row ids), so the SQL is the same as the queryset path's.
_active_types = PreparedQuery(
    lambda _, names: NotificationType.objects.filter(name__in=list(names), is_active=True), uses=0, keyed=True
)
_one_user = PreparedQuery(
    lambda user_id: (
        get_user_model().objects.filter(pk=user_id).order_by().values_list("pk", "is_active", "is_superuser")
    )
)
_STORED_COLUMNS = (
    "scope",
    "user_id",
    "group_id",
    "group__name",
    "group__profile__priority",
    "notification_type_id",
    "backend_id",
    "value",
)


def _stored_query(scopes: Q, type_ids: Iterable[int], backend_ids: Iterable[int]) -> QuerySet[Any]:
    return NotificationSetting.objects.filter(
        scopes, notification_type_id__in=list(type_ids), backend_id__in=list(backend_ids)
    ).values_list(*_STORED_COLUMNS)


_SHARED_SCOPES = Q(scope__in=[Scope.TENANT, Scope.GROUP])
_one_user_stored = PreparedQuery(
    lambda user_id, ids: _stored_query(_SHARED_SCOPES | Q(scope=Scope.USER, user_id=user_id), *ids), keyed=True
)
_one_user_memberships = PreparedQuery(
    lambda user_id, group_ids: (
        get_user_model()
        .groups.through.objects.filter(group_id__in=list(group_ids), user_id=user_id)
        .values_list("user_id", "group_id")
    ),
    keyed=True,
)


def notification_settings_load(
    *,
    users: QuerySet[Any] | None = None,
    user_id: int | None = None,
    notifications: Iterable[str] | None = None,
) -> NotificationSettings:
    """Load what resolving `notifications` (all declared ones by default) for `users` needs, one query per kind.

    Queries: notification rows, backend rows, people and permissions (only with `users`, permissions only if a
    notification requires one), stored values, group memberships (only with `users` and a group value) — at
    most six, whatever the number of people. Without `users` only group and tenant values are loaded (the
    owners' matrix). `user_id` instead of `users`: the same for that one person, with queries compiled once.
    """
    if users is not None and user_id is not None:
        raise TypeError("Pass `users` or `user_id`, not both.")
    wanted = [registry.get(name) for name in notifications] if notifications is not None else registry.all()
    names = tuple(d.name for d in wanted)
    type_rows = (
        _active_types.models(key=names)
        if user_id is not None
        else NotificationType.objects.filter(name__in=list(names), is_active=True)
    )
    types = {row.name: row for row in type_rows}
    declarations = {d.name: d for d in wanted if d.name in types}
    backends = backends_by_name()

    user_ids: list[int] = []
    active: set[int] = set()
    superusers: set[int] = set()
    holders: dict[str, set[int]] = {}
    people: Iterable[tuple[int, bool, bool]] = ()
    if user_id is not None:
        people = _one_user.rows(user_id)
    elif users is not None:
        users = users.order_by()
        people = users.values_list("pk", "is_active", "is_superuser")
    for pk, is_active, is_superuser in people:
        user_ids.append(pk)
        if is_active:
            active.add(pk)
            if is_superuser:
                superusers.add(pk)
    required = {p for d in declarations.values() if not d.mandatory for p in d.required_permissions}
    if required and len(superusers) < len(active):
        if user_id is not None:
            holders = permission_holders_of_one(user_id, required)
        elif users is not None:
            holders = permission_holders(users.filter(is_active=True, is_superuser=False), required)

    type_names = {row.pk: name for name, row in types.items()}
    backend_names = {row.pk: name for name, row in backends.items()}
    stored: Iterable[tuple[Any, ...]]
    if user_id is not None:
        stored = _one_user_stored.rows(user_id, key=(tuple(type_names), tuple(backend_names)))
    else:
        scopes = _SHARED_SCOPES
        if users is not None:
            scopes |= Q(scope=Scope.USER, user_id__in=users.values("pk"))
        stored = _stored_query(scopes, type_names, backend_names)
    user_values: dict[tuple[str, str], dict[int, bool]] = defaultdict(dict)
    group_values: dict[tuple[str, str], dict[int, bool]] = defaultdict(dict)
    tenant_values: dict[tuple[str, str], bool] = {}
    group_names: dict[int, str] = {}
    group_ranks: dict[int, tuple[bool, int, str]] = {}
    for scope, stored_user_id, group_id, group_name, priority, type_id, backend_id, value in stored:
        key = (type_names[type_id], backend_names[backend_id])
        if scope == Scope.USER:
            user_values[key][stored_user_id] = value
        elif scope == Scope.GROUP:
            group_values[key][group_id] = value
            group_names[group_id] = group_name
            group_ranks[group_id] = group_rank(priority, group_name)
        else:
            tenant_values[key] = value

    memberships: dict[int, list[int]] = {}
    pairs: Iterable[tuple[int, int]] = ()
    if group_names and user_id is not None:
        pairs = _one_user_memberships.rows(user_id, key=tuple(group_names))
    elif group_names and users is not None:
        pairs = (
            get_user_model()
            .groups.through.objects.filter(group_id__in=list(group_names), user_id__in=users.values("pk"))
            .values_list("user_id", "group_id")
        )
    if pairs:
        memberships = sorted_by_rank(pairs, group_ranks)

    return NotificationSettings(
        declarations=declarations,
        types=types,
        backends=backends,
        user_ids=user_ids,
        active=active,
        superusers=superusers,
        holders=holders,
        user_values=dict(user_values),
        group_values=dict(group_values),
        tenant_values=tenant_values,
        group_names=group_names,
        memberships=memberships,
    )


def recipients_resolve(
    *, notification: str, users: QuerySet[Any], backends: Iterable[str] | None = None
) -> dict[str, dict[int, Resolution]]:
    """Return backend name → {user id → Resolution} for every one of `users`, in a constant number of queries."""
    loaded = notification_settings_load(users=users, notifications=[notification])
    loaded.type_of(notification)
    names = loaded.backends_of(notification)
    if backends is not None:
        chosen = set(backends)
        names = [name for name in names if name in chosen]
    return {name: loaded.resolve_all(notification, name) for name in names}


def preference_resolve(*, user: Any, notification: str, backend: str) -> Resolution:
    """Return the effective value of one (user, notification, backend) with its source."""
    declaration = registry.get(notification)
    if backend not in declaration.backends:
        raise ValueError(f"Notification {notification!r} does not use backend {backend!r}.")
    loaded = notification_settings_load(user_id=user.pk, notifications=[notification])
    loaded.type_of(notification)
    return loaded.resolve(user.pk, notification, backend)


# --- Matrices for the pages ----------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One (notification, backend) cell of a matrix."""

    notification: str
    backend: str
    allowed: bool
    resolution: Resolution | None = None  # user matrix: the effective value; owners' matrix: only "mandatory"
    stored: bool | None = None  # the value stored at this scope, None when inherited
    label: str = ""  # "Weekly digest by Email", for screen readers
    # Owners' matrix: what the cell resolves to when this scope sets nothing (tenant default or declared default).
    inherited: Resolution | None = None

    @property
    def locked(self) -> bool:
        return self.resolution is not None and self.resolution.source == "mandatory"


@dataclass(frozen=True)
class Row:
    declaration: Notification
    cells: list[Cell]


def _label(declaration: Notification, backend: Backend) -> str:
    return f"{declaration.display_name} by {backend.display_name}"


def user_matrix(user: Any) -> tuple[list[Backend], list[Row]]:
    """Return the backends and one row per notification `user` may receive, with effective values."""
    loaded = notification_settings_load(user_id=user.pk)
    rows = []
    for declaration in loaded.declarations.values():
        if not declaration.listed or not loaded.may_receive(user.pk, declaration.name):
            continue  # a notification the user may not receive (or nobody chooses) is not shown at all
        cells = []
        for backend in loaded.backends.values():
            label = _label(declaration, backend)
            if backend.name not in declaration.backends:
                cells.append(Cell(declaration.name, backend.name, allowed=False, label=label))
                continue
            resolution = loaded.resolve(user.pk, declaration.name, backend.name)
            own = loaded.stored(notification=declaration.name, backend=backend.name, user_id=user.pk)
            cells.append(Cell(declaration.name, backend.name, True, resolution, own, label))
        rows.append(Row(declaration, cells))
    return list(loaded.backends.values()), rows


def matrix_cell(rows: list[Row], *, notification: str, backend: str) -> Cell | None:
    """Return the cell of `notification` and `backend` in a matrix, or None if the matrix no longer shows it."""
    for row in rows:
        if row.declaration.name == notification:
            return next((cell for cell in row.cells if cell.backend == backend), None)
    return None


def scope_matrix(*, group: Group | None) -> tuple[list[Backend], list[Row]]:
    """Return the stored values of a group (or of the tenant default when `group` is None) for every notification."""
    loaded = notification_settings_load()
    group_id = group.pk if group is not None else None
    rows = []
    for declaration in loaded.declarations.values():
        if not declaration.listed:
            continue
        cells = []
        for backend in loaded.backends.values():
            uses = backend.name in declaration.backends
            stored = loaded.stored(notification=declaration.name, backend=backend.name, group_id=group_id)
            locked = MANDATORY if declaration.mandatory and uses else None
            label = _label(declaration, backend)
            inherited = loaded.fallback(declaration.name, backend.name, tenant=group is not None) if uses else None
            cells.append(
                Cell(
                    declaration.name, backend.name, uses and not declaration.mandatory, locked, stored, label, inherited
                )
            )
        rows.append(Row(declaration, cells))
    return list(loaded.backends.values()), rows


# --- Inbox and deliveries ------------------------------------------------------------------------


# On every signed-in page (the inbox badge): compiled once, run with the user's id.
_unread_count = PreparedQuery(
    lambda user_id: (
        InboxMessage.objects.filter(user_id=user_id, read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(unread=Count("*"))
        .values_list("unread")
    )
)


def inbox_unread_count(user: Any) -> int:
    """Return how many in-app messages `user` has not read."""
    rows = _unread_count.rows(user.pk)
    return rows[0][0] if rows else 0  # no unread message: no group


def inbox_list(user: Any) -> QuerySet[InboxMessage]:
    """Return `user`'s in-app messages, newest first."""
    return InboxMessage.objects.filter(user=user).select_related("notification_type")


def deliveries_filter(
    *, status: str = "", backend: str = "", notification: str = "", user: str = ""
) -> QuerySet[Delivery]:
    """Return deliveries for the log, newest first, narrowed by the given filters."""
    rows = Delivery.objects.select_related("notification_type", "backend", "user")
    if status:
        rows = rows.filter(status=status)
    if backend:
        rows = rows.filter(backend__name=backend)
    if notification:
        rows = rows.filter(notification_type__name=notification)
    if user:
        rows = rows.filter(user__username__icontains=user)
    return rows
