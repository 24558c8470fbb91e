"""The notification defaults: the tenant's and each group's stored on/off per notification and backend."""

from typing import Any

from django.contrib.auth.models import Group

from apps.accounts.services import group_ensure
from apps.bundles.plan import CHANGED, NEW, REMOVED, BundlePlan, call, pointer
from apps.notifications import services
from apps.notifications.backends import backend_get
from apps.notifications.models import NotificationSetting
from apps.notifications.registry import registry
from apps.tenants.models import Tenant

Scope = NotificationSetting.Scope
Cells = dict[str, dict[str, bool]]  # notification → backend → on/off
TENANT = "tenant"
GROUPS = "groups"

_CELLS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "object", "additionalProperties": {"type": "boolean"}},
}


def _stored() -> tuple[Cells, dict[str, Cells]]:
    """Return (tenant defaults, {group name: defaults}) as stored, in one query.

    Rows of notifications or backends no longer in the code are left out: they do nothing, and no other tenant
    could take them.
    """
    tenant: Cells = {}
    groups: dict[str, Cells] = {}
    live = NotificationSetting.objects.filter(notification_type__is_active=True, backend__is_active=True)
    rows = live.filter(scope__in=[Scope.TENANT, Scope.GROUP]).values_list(
        "scope", "group__name", "notification_type__name", "backend__name", "value"
    )
    for scope, group, notification, backend, value in rows:
        cells = tenant if scope == Scope.TENANT else groups.setdefault(group, {})
        cells.setdefault(notification, {})[backend] = value
    return tenant, groups


def _sorted(cells: Cells) -> Cells:
    return {name: dict(sorted(backends.items())) for name, backends in sorted(cells.items())}


class NotificationsSection:
    """`"notifications": {"tenant": {notification: {backend: bool}}, "groups": {group name: {…}}}`."""

    key = "notifications"

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "Stored notification defaults: the tenant's, and each group's (by group name). "
            "A group named here that does not exist is created.",
            "additionalProperties": False,
            "properties": {
                TENANT: {**_CELLS_SCHEMA, "description": "notification → backend → on/off"},
                GROUPS: {"type": "object", "additionalProperties": _CELLS_SCHEMA},
            },
        }

    def export(self, tenant: Tenant) -> dict[str, Any]:
        tenant_cells, groups = _stored()
        return {TENANT: _sorted(tenant_cells), GROUPS: {name: _sorted(cells) for name, cells in sorted(groups.items())}}

    def plan(self, tenant: Tenant, data: dict[str, Any], plan: BundlePlan) -> None:
        stored_tenant, stored_groups = _stored()
        if TENANT in data:
            self._owner_plan(plan, (self.key, TENANT), None, data[TENANT], stored_tenant)
        if GROUPS not in data:
            return
        existing = set(Group.objects.filter(name__in=list(data[GROUPS])).values_list("name", flat=True))
        for name, cells in data[GROUPS].items():
            path = (self.key, GROUPS, name)
            if not name.strip() or len(name) > Group._meta.get_field("name").max_length:  # type: ignore[operator]
                plan.refuse(pointer(*path), "A group needs a name of at most 150 characters.")
                continue
            if name not in existing:
                plan.change(pointer(*path), NEW, None, "a new group")
                plan.step(pointer(*path), call(group_ensure, name=name))
            self._owner_plan(plan, path, name, cells, stored_groups.get(name, {}))
        for name, cells in stored_groups.items():
            if name not in data[GROUPS]:
                self._owner_plan(plan, (self.key, GROUPS, name), name, {}, cells)

    def _owner_plan(
        self, plan: BundlePlan, path: tuple[str, ...], group: str | None, wanted: Cells, stored: Cells
    ) -> None:
        """Plan one owner's cells (the tenant when `group` is None): set what differs, clear what is not wanted."""
        for notification, backends in wanted.items():
            if not self._valid(plan, path, notification, backends):
                continue
            changed = {}
            for backend, value in backends.items():
                old = stored.get(notification, {}).get(backend)
                if old != value:
                    plan.change(pointer(*path, notification, backend), NEW if old is None else CHANGED, old, value)
                    changed[backend] = value
            if changed:
                plan.step(pointer(*path, notification), _update(group, notification, changed))
        for notification, backends in stored.items():
            for backend, value in backends.items():
                if backend not in wanted.get(notification, {}):
                    plan.change(pointer(*path, notification, backend), REMOVED, value, None)
                    plan.step(pointer(*path, notification, backend), _clear(group, notification, backend))

    def _valid(self, plan: BundlePlan, path: tuple[str, ...], notification: str, backends: dict[str, bool]) -> bool:
        try:
            declaration = registry.get(notification)
        except LookupError:
            plan.refuse(pointer(*path, notification), f"{notification} is not a notification.")
            return False
        if declaration.mandatory:
            plan.refuse(pointer(*path, notification), f"{notification} is mandatory: it has no defaults.")
            return False
        valid = True
        for backend in backends:
            try:
                backend_get(backend)
            except ValueError as exc:
                plan.refuse(pointer(*path, notification, backend), str(exc))
                valid = False
                continue
            if backend not in declaration.backends:
                plan.refuse(pointer(*path, notification, backend), f"{notification} is not sent by {backend}.")
                valid = False
        return valid


def _update(group: str | None, notification: str, prefs: dict[str, bool]) -> Any:
    def run(actor: Any) -> Any:
        if group is None:
            return services.tenant_defaults_update(notification=notification, prefs=prefs)
        return services.group_preferences_update(group=group_ensure(group), notification=notification, prefs=prefs)

    return run


def _clear(group: str | None, notification: str, backend: str) -> Any:
    def run(actor: Any) -> Any:
        if group is None:
            return services.preference_clear(scope=Scope.TENANT, notification=notification, backend=backend)
        return services.preference_clear(
            scope=Scope.GROUP, notification=notification, backend=backend, group=Group.objects.get(name=group)
        )

    return run
