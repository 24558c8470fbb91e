"""The one implementation of the resolution order, applied in memory to rows loaded once.

`selectors.notification_settings_load` builds a `NotificationSettings` with one query per kind of row
(notifications, backends, people, permissions, stored values, group memberships); sending, the member's matrix
and the owners' matrix all read it. The order: inactive user (unless the declaration `reaches_inactive`) →
mandatory → missing permission → the user's own choice → the value of the user's highest-priority group that
sets one (groups ranked as for user preferences, `apps.accounts.models.GROUP_ORDER`) → tenant default →
declared default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from apps.notifications.models import Backend, Delivery, NotificationType
from apps.notifications.registry import Notification

Reason = Delivery.Reason
Key = tuple[str, str]  # (notification name, backend name)


class NotificationNotSynced(ValueError):
    """Raised when a notification is declared in code but its row is missing or inactive in this schema.

    A ValueError, like the services' other refusals of a name they cannot use, so pages answer it as bad input.
    """


@dataclass(frozen=True, slots=True)
class Resolution:
    """An effective value and where it came from.

    Sources: inactive, mandatory, no-permission, user, group:<name>, tenant, default.
    """

    value: bool
    source: str

    @property
    def reason(self) -> str:
        """Return why nothing is delivered (a `Delivery.Reason`), or the empty reason when the value is on."""
        if self.value:
            return Reason.NONE
        return _REASONS.get(self.source, Reason.OPTED_OUT)


_REASONS = {"no-permission": Reason.NO_PERMISSION, "inactive": Reason.INACTIVE_USER}

INACTIVE = Resolution(False, "inactive")
MANDATORY = Resolution(True, "mandatory")
NO_PERMISSION = Resolution(False, "no-permission")
USER_ON = Resolution(True, "user")
USER_OFF = Resolution(False, "user")


@dataclass
class NotificationSettings:
    """Everything resolution needs for some people and notifications; built by `notification_settings_load`."""

    # Declared notifications whose row is synced and active, by name, in the registry's order.
    declarations: dict[str, Notification]
    types: dict[str, NotificationType]
    # Active backend rows by name, in row order (the matrices' columns).
    backends: dict[str, Backend]
    # The people loaded (every one of them, active or not), and who among them is active or a superuser.
    user_ids: list[int]
    active: set[int]
    superusers: set[int]
    # Permission name ("app_label.codename") → ids of the loaded people holding it, directly or through a group;
    # only permissions some loaded notification requires.
    holders: dict[str, set[int]]
    user_values: dict[Key, dict[int, bool]]
    group_values: dict[Key, dict[int, bool]]
    tenant_values: dict[Key, bool]
    group_names: dict[int, str]
    # User id → the groups with a stored value they belong to, highest priority first (`sorted_by_rank`).
    memberships: dict[int, list[int]]
    _permitted: dict[tuple[str, ...], set[int]] = field(default_factory=dict, repr=False)

    def type_of(self, notification: str) -> NotificationType:
        """Return the synced row of `notification`, or raise NotificationNotSynced."""
        try:
            return self.types[notification]
        except KeyError:
            raise NotificationNotSynced(
                f"Notification {notification!r} is not synced into this schema; run `manage.py notifications_sync`."
            ) from None

    def backends_of(self, notification: str) -> list[str]:
        """Return the backends `notification` may use that are active here, in declaration order."""
        return [name for name in self.declarations[notification].backends if name in self.backends]

    def may_receive(self, user_id: int, notification: str) -> bool:
        """Return whether the user may receive `notification` at all (mandatory, or holding what it requires)."""
        declaration = self.declarations[notification]
        if declaration.mandatory or not declaration.required_permissions:
            return True
        return user_id in self.active and user_id in self._permitted_for(declaration)

    def stored(
        self, *, notification: str, backend: str, user_id: int | None = None, group_id: int | None = None
    ) -> bool | None:
        """Return the value stored at one scope: a user's, a group's, or (neither given) the tenant's; None if unset."""
        key = (notification, backend)
        if user_id is not None:
            return self.user_values.get(key, {}).get(user_id)
        if group_id is not None:
            return self.group_values.get(key, {}).get(group_id)
        return self.tenant_values.get(key)

    def resolve(self, user_id: int, notification: str, backend: str) -> Resolution:
        """Return the effective value of one (user, notification, backend) with its source."""
        return self.resolver(notification, backend)(user_id)

    def resolve_all(self, notification: str, backend: str) -> dict[int, Resolution]:
        """Return user id → Resolution for every loaded person."""
        resolve = self.resolver(notification, backend)
        return {user_id: resolve(user_id) for user_id in self.user_ids}

    def resolver(self, notification: str, backend: str) -> Callable[[int], Resolution]:
        """Return the resolution of one (notification, backend) as a function of a user id.

        Everything that does not depend on the user is looked up once here, so resolving 100,000 people costs
        a few dictionary look-ups each.
        """
        declaration = self.declarations[notification]
        if backend not in declaration.backends:
            raise ValueError(f"Notification {notification!r} does not use backend {backend!r}.")
        key = (notification, backend)
        # A declaration that reaches inactive people (an invitation) treats everyone loaded as active.
        active = set(self.user_ids) if declaration.reaches_inactive else self.active
        mandatory = declaration.mandatory
        permitted = self._permitted_for(declaration) if declaration.required_permissions else None
        own = self.user_values.get(key, {})
        verdicts = {
            group_id: Resolution(value, f"group:{self.group_names[group_id]}")
            for group_id, value in self.group_values.get(key, {}).items()
        }
        memberships = self.memberships if verdicts else {}
        inherited = self.fallback(notification, backend)

        def resolve(user_id: int) -> Resolution:
            if user_id not in active:
                return INACTIVE
            if mandatory:
                return MANDATORY
            if permitted is not None and user_id not in permitted:
                return NO_PERMISSION
            value = own.get(user_id)
            if value is not None:
                return USER_ON if value else USER_OFF
            for group_id in memberships.get(user_id, ()):
                verdict = verdicts.get(group_id)
                if verdict is not None:
                    return verdict  # the highest-priority group that sets the cell decides
            return inherited

        return resolve

    def fallback(self, notification: str, backend: str, *, tenant: bool = True) -> Resolution:
        """Return what a cell no user or group sets resolves to: the tenant default, else the declared default.

        `tenant=False` skips the tenant's own value (what the tenant's "Notification default" cell resolves to).
        """
        key = (notification, backend)
        if tenant and key in self.tenant_values:
            return Resolution(self.tenant_values[key], "tenant")
        return Resolution(self.declarations[notification].default_for(backend), "default")

    def _permitted_for(self, declaration: Notification) -> set[int]:
        """Return the ids holding every permission `declaration` requires (superusers count as holding all)."""
        perms = declaration.required_permissions
        if perms not in self._permitted:
            held = [self.holders.get(perm, set()) for perm in perms]
            self._permitted[perms] = (set.intersection(*held) if held else set(self.user_ids)) | self.superusers
        return self._permitted[perms]


def inherited_words(resolution: Resolution) -> str:
    """Return what an unset cell resolves to and why: "on — from the organisation", "off — notification default"."""
    why = {"tenant": "from the organisation", "default": "notification default"}.get(
        resolution.source, resolution.source
    )
    return f"{'on' if resolution.value else 'off'} — {why}"


def sorted_by_rank(
    memberships: Iterable[tuple[int, int]], group_ranks: Mapping[int, tuple[bool, int, str]]
) -> dict[int, list[int]]:
    """Return user id → group ids from (user id, group id) pairs, each list highest priority first.

    `group_ranks` maps each group to its `apps.accounts.models.group_rank`.
    """
    by_user: dict[int, list[int]] = {}
    for user_id, group_id in memberships:
        groups = by_user.get(user_id)
        if groups is None:
            by_user[user_id] = [group_id]
        else:
            groups.append(group_id)
    if len(group_ranks) > 1:
        # Most people are in one group: sort only the lists that need it.
        rank = {
            group_id: position for position, group_id in enumerate(sorted(group_ranks, key=group_ranks.__getitem__))
        }
        for groups in by_user.values():
            if len(groups) > 1:
                groups.sort(key=rank.__getitem__)
    return by_user
