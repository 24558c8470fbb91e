"""Notifications declared in code: each app's `notifications.py` registers instances of `Notification`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import Group


@dataclass(frozen=True)
class Notification:
    """A kind of message the site can send, and who may receive it through which backends."""

    name: str
    display_name: str
    category: str = "General"
    required_permissions: tuple[str, ...] = ()
    backends: tuple[str, ...] = ("email", "sms", "in_app")
    # Per-backend default when nobody chose; a backend missing here defaults to off.
    default: Mapping[str, bool] = field(default_factory=dict)
    mandatory: bool = False
    description: str = ""
    # Critical: still opt-out-able, but never held by quiet hours, collected into a digest or paused.
    critical: bool = False
    # Delivered to inactive users too: an invitation reaches the invited person before they are activated.
    reaches_inactive: bool = False
    # Shown in the members' and owners' matrices; False for a message nobody chooses (an invitation is for
    # people not yet in, so no member could ever receive it).
    listed: bool = True

    def __post_init__(self) -> None:
        # Accept lists in declarations but keep the instance hashable and immutable.
        object.__setattr__(self, "required_permissions", tuple(self.required_permissions))
        object.__setattr__(self, "backends", tuple(self.backends))
        unknown = set(self.default) - set(self.backends)
        if unknown:
            raise ValueError(f"{self.name}: default given for backends it does not allow: {sorted(unknown)}")

    def default_for(self, backend: str) -> bool:
        """Return the declared default for `backend`."""
        return bool(self.default.get(backend, False))

    # The two methods below are the documented way to store choices from a declaration. The registry sits at the
    # bottom of the app (everything imports it), so they import the services when called, not at import time:
    # a module-level import would make registry → services → registry a cycle.

    def update_user_prefs(self, user: Any, prefs: Mapping[Any, bool]) -> dict[str, str]:
        """Store `user`'s own choices (backend names or backend objects → bool); see `shortcuts.update_preferences`."""
        from apps.notifications import services

        return services.user_preferences_update(user=user, notification=self.name, prefs=prefs)

    def update_group_preference(self, group: Group, prefs: Mapping[Any, bool]) -> dict[str, str]:
        """Store `group`'s defaults (backend names or backend objects → bool); see `shortcuts.update_preferences`."""
        from apps.notifications import services

        return services.group_preferences_update(group=group, notification=self.name, prefs=prefs)


class NotificationRegistry:
    """The declared notifications by name."""

    def __init__(self) -> None:
        self._items: dict[str, Notification] = {}

    def register(self, notification: Notification) -> Notification:
        """Add `notification`; registering the same name twice with another declaration is an error."""
        existing = self._items.get(notification.name)
        if existing is not None and existing != notification:
            raise ValueError(f"Notification {notification.name!r} is declared twice.")
        self._items[notification.name] = notification
        return notification

    def unregister(self, name: str) -> None:
        """Remove a declaration (tests use this to simulate a notification removed from code)."""
        self._items.pop(name, None)

    def get(self, name: str) -> Notification:
        """Return the declaration called `name`, or raise LookupError."""
        try:
            return self._items[name]
        except KeyError:
            raise LookupError(f"No notification is declared as {name!r}.") from None

    def all(self) -> list[Notification]:
        """Return every declaration, by category then display name."""
        return sorted(self._items.values(), key=lambda n: (n.category, n.display_name))

    def __contains__(self, name: object) -> bool:
        return name in self._items


registry = NotificationRegistry()


def register(notification: Notification) -> Notification:
    """Register `notification` in the site-wide registry and return it."""
    return registry.register(notification)
