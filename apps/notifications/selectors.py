"""Reads: synced rows, effective preference values with their source, the matrices, inbox and deliveries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet

from apps.notifications import conf
from apps.notifications.models import Backend, Delivery, InboxMessage, NotificationSetting, NotificationType
from apps.notifications.registry import Notification, registry

Scope = NotificationSetting.Scope


@dataclass(frozen=True, slots=True)
class Resolution:
    """An effective value and where it came from: mandatory, no-permission, user, group:<name>, tenant, default."""

    value: bool
    source: str


MANDATORY = Resolution(True, "mandatory")
NO_PERMISSION = Resolution(False, "no-permission")
USER_ON = Resolution(True, "user")
USER_OFF = Resolution(False, "user")


def resolution_compute(
    *,
    declaration: Notification,
    backend: str,
    has_permission: bool,
    user_value: bool | None,
    group_values: Iterable[tuple[str, bool]],
    tenant_value: bool | None,
) -> Resolution:
    """Apply the resolution order to one (user, notification, backend) whose stored values are given."""
    if declaration.mandatory:
        return MANDATORY
    if not has_permission:
        return NO_PERMISSION
    if user_value is not None:
        return USER_ON if user_value else USER_OFF
    first_off: str | None = None
    for group_name, value in sorted(group_values):
        if value:
            return Resolution(True, f"group:{group_name}")
        first_off = first_off or group_name
    if first_off is not None:
        return Resolution(False, f"group:{first_off}")
    if tenant_value is not None:
        return Resolution(tenant_value, "tenant")
    return Resolution(declaration.default_for(backend), "default")


# --- Synced rows ---------------------------------------------------------------------------------


def notification_type_get(name: str) -> NotificationType:
    """Return the synced row of a declared notification, syncing the schema first if it is missing."""
    registry.get(name)  # LookupError for a name nobody declared
    row = NotificationType.objects.filter(name=name).first()
    if row is None or not row.is_active:
        from apps.notifications.sync import notifications_sync

        notifications_sync()
        row = NotificationType.objects.get(name=name)
    return row


def backends_by_name() -> dict[str, Backend]:
    """Return this tenant's active backend rows by name, syncing first if none exist yet."""
    rows = {row.name: row for row in Backend.objects.filter(is_active=True)}
    if not rows:
        from apps.notifications.sync import notifications_sync

        notifications_sync()
        rows = {row.name: row for row in Backend.objects.filter(is_active=True)}
    return rows


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


def users_with_permissions(users: QuerySet[Any], perms: tuple[str, ...]) -> set[int]:
    """Return the ids among `users` holding every one of `perms` directly or through a group (one query).

    Superusers are not special-cased here; callers treat them as holding every permission.
    """
    if not perms:
        return set(users.values_list("pk", flat=True))
    user_model = get_user_model()
    permission_ids = Permission.objects.filter(_permission_filter(perms)).values("pk")
    user_ids = users.values("pk")
    direct = user_model.user_permissions.through.objects.filter(
        user_id__in=user_ids, permission_id__in=permission_ids
    ).values_list("user_id", "permission_id")
    through_groups = (
        user_model.groups.through.objects.filter(user_id__in=user_ids, group__permissions__in=permission_ids)
        .values_list("user_id", "group__permissions")
        .order_by()
    )
    held: dict[int, set[int]] = defaultdict(set)
    for user_id, permission_id in direct.order_by().union(through_groups):
        held[user_id].add(permission_id)
    return {user_id for user_id, ids in held.items() if len(ids) >= len(perms)}


def user_has_permissions(user: Any, perms: tuple[str, ...]) -> bool:
    """Return whether `user` holds `perms` now (read fresh, unlike has_perm's per-object cache)."""
    if not perms or (user.is_active and user.is_superuser):
        return True
    if not user.is_active:
        return False
    return user.pk in users_with_permissions(get_user_model().objects.filter(pk=user.pk), perms)


# --- Resolution for many users -------------------------------------------------------------------


def recipients_resolve(
    *, notification: str, users: QuerySet[Any], backends: Iterable[str] | None = None
) -> dict[str, dict[int, Resolution]]:
    """Return backend name → {user id → Resolution} for the active users of `users`, in a constant number of queries.

    Queries: the notification row, backend rows, users, permissions (only if required), stored settings,
    group memberships (only if some group has a setting) — at most six, whatever the number of users.
    """
    declaration = registry.get(notification)
    notification_type = notification_type_get(notification)
    rows = backends_by_name()
    names = [name for name in (backends or declaration.backends) if name in declaration.backends and name in rows]
    backend_ids = {rows[name].pk: name for name in names}

    active = users.filter(is_active=True).order_by()
    user_rows = list(active.values_list("pk", "is_superuser"))
    user_ids = active.values("pk")
    if declaration.mandatory:
        return {name: dict.fromkeys((pk for pk, _ in user_rows), MANDATORY) for name in names}

    permitted: set[int] | None = None
    if declaration.required_permissions:
        permitted = users_with_permissions(active, declaration.required_permissions)

    stored = NotificationSetting.objects.filter(
        Q(scope__in=[Scope.TENANT, Scope.GROUP]) | Q(scope=Scope.USER, user_id__in=user_ids),
        notification_type=notification_type,
        backend_id__in=list(backend_ids),
    ).values_list("scope", "user_id", "group_id", "group__name", "backend_id", "value")
    user_values: dict[str, dict[int, bool]] = defaultdict(dict)
    group_values: dict[str, dict[int, tuple[str, bool]]] = defaultdict(dict)
    tenant_values: dict[str, bool] = {}
    for scope, user_id, group_id, group_name, backend_id, value in stored:
        name = backend_ids[backend_id]
        if scope == Scope.USER:
            user_values[name][user_id] = value
        elif scope == Scope.GROUP:
            group_values[name][group_id] = (group_name, value)
        else:
            tenant_values[name] = value

    group_ids = {group_id for values in group_values.values() for group_id in values}
    memberships: list[tuple[int, int]] = []
    if group_ids:
        memberships = list(
            get_user_model()
            .groups.through.objects.filter(group_id__in=group_ids, user_id__in=user_ids)
            .values_list("user_id", "group_id")
        )

    result: dict[str, dict[int, Resolution]] = {}
    for name in names:
        inherited = (
            Resolution(tenant_values[name], "tenant")
            if name in tenant_values
            else Resolution(declaration.default_for(name), "default")
        )
        from_groups = _group_resolutions(memberships, group_values.get(name, {}))
        own = user_values.get(name, {})
        resolved: dict[int, Resolution] = {}
        for pk, is_superuser in user_rows:
            if permitted is not None and not is_superuser and pk not in permitted:
                resolved[pk] = NO_PERMISSION
            elif pk in own:
                resolved[pk] = USER_ON if own[pk] else USER_OFF
            else:
                resolved[pk] = from_groups.get(pk, inherited)
        result[name] = resolved
    return result


def _group_resolutions(
    memberships: list[tuple[int, int]], values: dict[int, tuple[str, bool]]
) -> dict[int, Resolution]:
    """Return user id → the groups' verdict: on if any group is on, else off if a group is off."""
    if not values:
        return {}
    verdicts = {group_id: Resolution(value, f"group:{group_name}") for group_id, (group_name, value) in values.items()}
    resolved: dict[int, Resolution] = {}
    # Sorted by group name so the source shown is stable when several groups agree.
    for user_id, group_id in sorted(
        ((u, g) for u, g in memberships if g in verdicts), key=lambda pair: verdicts[pair[1]].source
    ):
        verdict = verdicts[group_id]
        current = resolved.get(user_id)
        if current is None or (verdict.value and not current.value):
            resolved[user_id] = verdict
    return resolved


def preference_resolve(*, user: Any, notification: str, backend: str) -> Resolution:
    """Return the effective value of one (user, notification, backend) with its source."""
    declaration = registry.get(notification)
    if backend not in declaration.backends:
        raise ValueError(f"Notification {notification!r} does not use backend {backend!r}.")
    resolved = recipients_resolve(
        notification=notification, users=get_user_model().objects.filter(pk=user.pk), backends=[backend]
    )
    return resolved.get(backend, {}).get(user.pk, NO_PERMISSION)


# --- Matrices for the pages ----------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One (notification, backend) cell of a matrix."""

    notification: str
    backend: str
    allowed: bool
    resolution: Resolution | None = None  # user matrix: the effective value
    stored: bool | None = None  # the value stored at this scope, None when inherited
    label: str = ""  # "Weekly digest by Email", for screen readers

    @property
    def locked(self) -> bool:
        return self.resolution is not None and self.resolution.source == "mandatory"


@dataclass(frozen=True)
class Row:
    declaration: Notification
    cells: list[Cell]


def _declared_active() -> list[Notification]:
    active = set(NotificationType.objects.filter(is_active=True).values_list("name", flat=True))
    declared = registry.all()
    if any(d.name not in active for d in declared):
        from apps.notifications.sync import notifications_sync

        notifications_sync()
        return declared
    return [d for d in declared if d.name in active]


def user_matrix(user: Any) -> tuple[list[Backend], list[Row]]:
    """Return the backends and one row per notification `user` may receive, with effective values."""
    backends = list(backends_by_name().values())
    declarations = _declared_active()
    group_rows = list(user.groups.values_list("pk", "name"))
    group_names = dict(group_rows)
    stored = NotificationSetting.objects.filter(
        Q(scope=Scope.USER, user=user) | Q(scope=Scope.GROUP, group_id__in=list(group_names)) | Q(scope=Scope.TENANT)
    ).values_list("scope", "group_id", "notification_type__name", "backend__name", "value")
    own: dict[tuple[str, str], bool] = {}
    groups: dict[tuple[str, str], list[tuple[str, bool]]] = defaultdict(list)
    tenant: dict[tuple[str, str], bool] = {}
    for scope, group_id, notification, backend_name, value in stored:
        key = (notification, backend_name)
        if scope == Scope.USER:
            own[key] = value
        elif scope == Scope.GROUP:
            groups[key].append((group_names[group_id], value))
        else:
            tenant[key] = value
    rows = []
    for declaration in declarations:
        if not declaration.mandatory and not user_has_permissions(user, declaration.required_permissions):
            continue  # a notification the user may not receive is not shown at all
        cells = []
        for backend in backends:
            key = (declaration.name, backend.name)
            label = f"{declaration.display_name} by {backend.display_name}"
            if backend.name not in declaration.backends:
                cells.append(Cell(declaration.name, backend.name, allowed=False, label=label))
                continue
            resolution = resolution_compute(
                declaration=declaration,
                backend=backend.name,
                has_permission=True,
                user_value=own.get(key),
                group_values=groups.get(key, []),
                tenant_value=tenant.get(key),
            )
            cells.append(Cell(declaration.name, backend.name, True, resolution, own.get(key), label))
        rows.append(Row(declaration, cells))
    return backends, rows


def matrix_cell(rows: list[Row], *, notification: str, backend: str) -> Cell | None:
    """Return the cell of `notification` and `backend` in a matrix, or None if the matrix no longer shows it."""
    for row in rows:
        if row.declaration.name == notification:
            return next((cell for cell in row.cells if cell.backend == backend), None)
    return None


def scope_matrix(*, group: Group | None) -> tuple[list[Backend], list[Row]]:
    """Return the stored values of a group (or of the tenant default when `group` is None) for every notification."""
    backends = list(backends_by_name().values())
    declarations = _declared_active()
    settings = NotificationSetting.objects.filter(
        Q(scope=Scope.GROUP, group=group) if group is not None else Q(scope=Scope.TENANT)
    ).values_list("notification_type__name", "backend__name", "value")
    stored = {(notification, backend): value for notification, backend, value in settings}
    rows = []
    for declaration in declarations:
        cells = []
        for backend in backends:
            allowed = backend.name in declaration.backends and not declaration.mandatory
            locked = MANDATORY if declaration.mandatory and backend.name in declaration.backends else None
            label = f"{declaration.display_name} by {backend.display_name}"
            stored_value = stored.get((declaration.name, backend.name))
            cells.append(Cell(declaration.name, backend.name, allowed, locked, stored_value, label))
        rows.append(Row(declaration, cells))
    return backends, rows


# --- Inbox and deliveries ------------------------------------------------------------------------


def inbox_unread_count(user: Any) -> int:
    """Return how many in-app messages `user` has not read."""
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).count()


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
