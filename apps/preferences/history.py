"""Reads of the tenant's change history for the owners' history page: filtered, and described for people."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat

from apps.core.roles import is_owner
from apps.preferences.display import raw_display
from apps.preferences.models import PreferenceChange
from apps.preferences.permissions import can_change
from apps.preferences.registries import (
    PreferenceRegistry,
    global_preferences_registry,
    user_preferences_registry,
)
from apps.preferences.types import BasePreferenceType

_REGISTRIES: dict[str, PreferenceRegistry] = {
    PreferenceChange.Scope.GLOBAL: global_preferences_registry,
    PreferenceChange.Scope.USER: user_preferences_registry,
    PreferenceChange.Scope.ORGANISATION_DEFAULT: user_preferences_registry,
    PreferenceChange.Scope.GROUP_DEFAULT: user_preferences_registry,
}
_DEFAULT_SCOPES = (PreferenceChange.Scope.ORGANISATION_DEFAULT, PreferenceChange.Scope.GROUP_DEFAULT)


@dataclass(frozen=True)
class ChangeRow:
    """One recorded change as the history page shows it."""

    change: PreferenceChange
    label: str  # the preference's verbose name, or its key when it is no longer declared
    owner: str  # whose value: the organisation, a username, or a row
    old_display: str
    new_display: str
    revertible: bool


def change_list(*, scope: str = "", query: str = "") -> QuerySet[PreferenceChange]:
    """Return the tenant's changes of every scope, newest first, optionally of one scope or matching a key."""
    changes = PreferenceChange.objects.order_by("-changed_at", "-id")
    if scope:
        changes = changes.filter(scope=scope)
    if query:
        # Keys are "section__name" (or "name" alone, which the joined text "__name" still contains).
        changes = changes.annotate(key_text=Concat(F("section"), Value("__"), F("name"))).filter(
            key_text__icontains=query
        )
    return changes


def change_get(*, pk: int) -> PreferenceChange:
    """Return one change (DoesNotExist when there is none)."""
    return PreferenceChange.objects.get(pk=pk)


def change_preference(change: PreferenceChange) -> BasePreferenceType | None:
    """Return the preference a change was about, if its scope has a registry that still declares it."""
    registry = _REGISTRIES.get(change.scope)
    if registry is None or change.key not in registry:
        return None
    preference: BasePreferenceType = registry.get(change.key)
    return preference


def change_rows(changes: list[PreferenceChange], *, viewer: Any) -> list[ChangeRow]:
    """Describe `changes` for `viewer` (one query for the usernames of user-scope owners)."""
    user_ids = {int(c.owner) for c in changes if c.scope == PreferenceChange.Scope.USER and c.owner.isdigit()}
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username")) if user_ids else {}
    group_ids = {int(c.owner) for c in changes if c.scope == PreferenceChange.Scope.GROUP_DEFAULT and c.owner.isdigit()}
    groups = dict(Group.objects.filter(pk__in=group_ids).values_list("pk", "name")) if group_ids else {}
    rows = []
    for change in changes:
        preference = change_preference(change)
        rows.append(
            ChangeRow(
                change=change,
                label=str(preference.get_verbose_name()) if preference else change.key,
                owner=_owner_label(change, names, groups),
                old_display=raw_display(preference, change.old_raw_value),
                new_display=raw_display(preference, change.new_raw_value) + (" (locked)" if change.locked else ""),
                revertible=change_revertible(change, preference, viewer=viewer),
            )
        )
    return rows


def change_revertible(change: PreferenceChange, preference: BasePreferenceType | None, *, viewer: Any) -> bool:
    """Return whether `viewer` may put back what `change` replaced (tenant-wide values and owners' defaults)."""
    if preference is None:
        return False
    if change.scope in _DEFAULT_SCOPES:
        return is_owner(viewer)
    return change.scope == PreferenceChange.Scope.GLOBAL and can_change(viewer, preference, scope="global")


def _owner_label(change: PreferenceChange, names: dict[int, str], groups: dict[int, str]) -> str:
    if change.scope == PreferenceChange.Scope.GLOBAL:
        return "Organisation"
    if change.scope == PreferenceChange.Scope.ORGANISATION_DEFAULT:
        return "Organisation's default for members"
    if change.scope == PreferenceChange.Scope.GROUP_DEFAULT and change.owner.isdigit():
        return f"Group {groups.get(int(change.owner), f'#{change.owner} (deleted)')}'s default for members"
    if change.scope == PreferenceChange.Scope.USER and change.owner.isdigit():
        return names.get(int(change.owner), f"deleted user #{change.owner}")
    return change.owner
