"""The short public API other apps call to change preferences and send notifications."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import Group

from apps.notifications import services
from apps.notifications.models import Delivery


def update_preferences(name: str, user_or_group: Any, prefs: Mapping[Any, bool]) -> dict[str, str]:
    """Store a user's or a group's choices for notification `name`; return backend → 'created'/'updated'.

    `prefs` maps backend names (or backend objects) to booleans. Values that did not change are left out.
    Raise PermissionDenied if a user lacks a required permission, ValueError for an unknown or disallowed
    backend or a mandatory notification; nothing is written then.
    """
    if isinstance(user_or_group, Group):
        return services.group_preferences_update(group=user_or_group, notification=name, prefs=prefs)
    return services.user_preferences_update(user=user_or_group, notification=name, prefs=prefs)


def clear_preferences(users: Any) -> int:
    """Remove the own preferences of a user or an iterable of users; return how many were removed."""
    return services.user_preferences_clear(users=users)


def send_notification(
    name: str, users: Any = None, groups: Any = None, context: Mapping[str, Any] | None = None
) -> list[Delivery]:
    """Write the pending deliveries of `name` for `users` and members of `groups`; queued after commit."""
    return services.notification_send(name=name, users=users, groups=groups, context=context)
