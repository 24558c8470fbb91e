"""Groups of the active tenant: reads and writes, each write audited in its own transaction.

Writes (`group_create`, `group_rename`, `group_delete`, `group_members_add`, `group_members_remove`,
`group_permission_grant`, `group_permission_revoke`, `group_permissions_set`, `group_move`, `groups_order_set`)
validate, lock what they change, write, and record an `apps.audit` entry (action `group.…`) in the same
transaction. They raise Django's `ValidationError` for a refusal.

The order of groups is their `GroupProfile.priority`: the lowest number wins when several of a person's groups
set a default. Positions are 1, 2, 3… after any change of order; a group without a profile (made elsewhere, say
in the admin) sorts last until the next change of order numbers it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Prefetch, QuerySet

from apps.accounts.grants import GrantablePermission, grantable_permission_get, grantable_permissions
from apps.accounts.models import GROUP_ORDER, GroupProfile
from apps.audit.services import audit_record
from apps.notifications.models import NotificationSetting

Actor = AbstractBaseUser | AnonymousUser | None
GROUP_NAME_MAX = 150  # Django's Group.name


# --- reads ----------------------------------------------------------------------------------------------------
def groups_ordered() -> QuerySet[Group]:
    """Return the tenant's groups in priority order (a group without a profile last), with member counts.

    Each group carries `member_count`, `position_value` (its priority, None without a profile) and its
    permissions prefetched: one query for the groups, one for their permissions, whatever their number.
    """
    return (
        Group.objects.annotate(member_count=Count("user", distinct=True), position_value=F("profile__priority"))
        .order_by(*GROUP_ORDER, "pk")
        .prefetch_related(Prefetch("permissions", queryset=Permission.objects.select_related("content_type")))
    )


def group_order_text(groups: Iterable[Group]) -> str:
    """Return the order as people read it: "1. Sales, 2. Support" (positions as listed)."""
    return ", ".join(f"{position}. {group.name}" for position, group in enumerate(groups, start=1))


def permission_name(permission: Permission) -> str:
    """Return a permission as `user.has_perm` names it: "<app_label>.<codename>"."""
    return f"{permission.content_type.app_label}.{permission.codename}"


def group_granted(group: Group) -> list[GrantablePermission]:
    """Return the declared permissions `group` has (from its prefetched permissions when loaded)."""
    if "permissions" in getattr(group, "_prefetched_objects_cache", {}):
        names = {permission_name(permission) for permission in group.permissions.all()}
    else:
        pairs = group.permissions.values_list("content_type__app_label", "codename")
        names = {f"{app_label}.{codename}" for app_label, codename in pairs}
    return [permission for permission in grantable_permissions() if permission.name in names]


@dataclass(frozen=True)
class NotificationDefault:
    """One notification default a group holds: what goes away when the group is deleted."""

    notification: str
    backend: str
    value: bool

    def __str__(self) -> str:
        return f"{self.notification} by {self.backend}: {'on' if self.value else 'off'}"


@dataclass(frozen=True)
class GroupDeletion:
    """What deleting a group takes with it, for the confirmation and the audit entry."""

    group: Group
    members: list[str]  # usernames
    defaults: list[NotificationDefault]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.group.name,
            "members": self.members,
            "notification_defaults": [str(default) for default in self.defaults],
        }


def group_deletion_effect(group: Group) -> GroupDeletion:
    """Return the members and the notification defaults that go with `group` (two queries)."""
    members = list(group.user_set.order_by("username").values_list("username", flat=True))
    rows = (
        NotificationSetting.objects.filter(scope=NotificationSetting.Scope.GROUP, group=group)
        .select_related("notification_type", "backend")
        .order_by("notification_type__display_name", "backend__name")
    )
    defaults = [
        NotificationDefault(row.notification_type.display_name, row.backend.display_name or row.backend.name, row.value)
        for row in rows
    ]
    return GroupDeletion(group=group, members=members, defaults=defaults)


# --- writes ---------------------------------------------------------------------------------------------------
def _record(actor: Actor, action: str, group: Group, *, old: Any = None, new: Any = None) -> None:
    audit_record(
        actor=actor, action=action, target_type="group", target_id=group.pk, target_label=group.name, old=old, new=new
    )


def _clean_name(name: str, *, exclude: Group | None = None) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError({"name": ["Give the group a name."]})
    if len(cleaned) > GROUP_NAME_MAX:
        raise ValidationError({"name": [f"Keep the name to {GROUP_NAME_MAX} characters."]})
    taken = Group.objects.filter(name__iexact=cleaned)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"name": [f"There is already a group called “{cleaned}”."]})
    return cleaned


@transaction.atomic
def group_create(*, actor: Actor, name: str) -> Group:
    """Create a group, last in the order."""
    cleaned = _clean_name(name)
    last = GroupProfile.objects.aggregate(last=Max("priority"))["last"] or 0
    group = Group.objects.create(name=cleaned)
    GroupProfile.objects.create(group=group, priority=last + 1)
    _record(actor, "group.created", group, new={"name": cleaned, "priority": last + 1})
    return group


@transaction.atomic
def group_rename(*, actor: Actor, group: Group, name: str) -> Group:
    """Rename `group`; renaming to the same name changes (and records) nothing."""
    locked = Group.objects.select_for_update().get(pk=group.pk)
    cleaned = _clean_name(name, exclude=locked)
    if cleaned == locked.name:
        return locked
    old = locked.name
    locked.name = cleaned
    locked.save(update_fields=["name"])
    _record(actor, "group.renamed", locked, old={"name": old}, new={"name": cleaned})
    return locked


@transaction.atomic
def group_delete(*, actor: Actor, group: Group) -> GroupDeletion:
    """Delete `group` with its memberships, permissions and notification defaults; return what went."""
    locked = Group.objects.select_for_update().get(pk=group.pk)
    effect = group_deletion_effect(locked)
    _record(actor, "group.deleted", locked, old=effect.as_json())
    locked.delete()
    return effect


def _tenant_users(user_ids: Iterable[int]) -> list[Any]:
    ids = sorted(set(user_ids))
    users = list(get_user_model().objects.filter(pk__in=ids).order_by("username"))
    if len(users) != len(ids):
        unknown = sorted(set(ids) - {user.pk for user in users})
        raise ValidationError({"users": [f"No such person: {', '.join(map(str, unknown))}."]})
    return users


@transaction.atomic
def group_members_add(*, actor: Actor, group: Group, user_ids: Iterable[int]) -> list[str]:
    """Add the people `user_ids` to `group`; return the usernames added (those already in it are skipped)."""
    locked = Group.objects.select_for_update().get(pk=group.pk)
    users = _tenant_users(user_ids)
    through = get_user_model().groups.through
    present = set(through.objects.filter(group=locked, user__in=users).values_list("user_id", flat=True))
    added = [user for user in users if user.pk not in present]
    through.objects.bulk_create([through(group=locked, user=user) for user in added])
    names = [user.get_username() for user in added]
    if names:
        _record(actor, "group.members_added", locked, new={"members": names})
    return names


@transaction.atomic
def group_members_remove(*, actor: Actor, group: Group, user_ids: Iterable[int]) -> list[str]:
    """Remove the people `user_ids` from `group`; return the usernames removed."""
    locked = Group.objects.select_for_update().get(pk=group.pk)
    users = _tenant_users(user_ids)
    through = get_user_model().groups.through
    members = through.objects.filter(group=locked, user__in=users)
    present = set(members.values_list("user_id", flat=True))
    names = [user.get_username() for user in users if user.pk in present]
    members.delete()
    if names:
        _record(actor, "group.members_removed", locked, old={"members": names})
    return names


def _declared(name: str) -> tuple[GrantablePermission, Permission]:
    declared = grantable_permission_get(name)
    if declared is None:
        raise ValidationError({"permission": [f"“{name}” is not a permission owners may grant."]})
    permission = Permission.objects.filter(
        content_type__app_label=declared.app_label, codename=declared.codename
    ).first()
    if permission is None:
        raise ValidationError({"permission": [f"“{name}” is declared but not installed: run migrations."]})
    return declared, permission


@transaction.atomic
def group_permission_grant(*, actor: Actor, group: Group, name: str) -> bool:
    """Grant the declared permission `name` to `group`; return False when it already had it."""
    declared, permission = _declared(name)
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if locked.permissions.filter(pk=permission.pk).exists():
        return False
    locked.permissions.add(permission)
    _record(actor, "group.permission_granted", locked, new={"permission": declared.name, "label": declared.label})
    return True


@transaction.atomic
def group_permission_revoke(*, actor: Actor, group: Group, name: str) -> bool:
    """Take the declared permission `name` from `group`; return False when it did not have it."""
    declared, permission = _declared(name)
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if not locked.permissions.filter(pk=permission.pk).exists():
        return False
    locked.permissions.remove(permission)
    _record(actor, "group.permission_revoked", locked, old={"permission": declared.name, "label": declared.label})
    return True


@transaction.atomic
def group_permissions_set(*, actor: Actor, group: Group, names: Iterable[str]) -> list[str]:
    """Make `group` hold exactly the declared permissions `names` (others it holds are left alone).

    Return the names of the declared permissions it holds afterwards. Undeclared names are refused before any
    change.
    """
    wanted = set(names)
    for name in wanted:
        _declared(name)
    for declared in grantable_permissions():
        if declared.name in wanted:
            group_permission_grant(actor=actor, group=group, name=declared.name)
        elif Permission.objects.filter(
            group=group, content_type__app_label=declared.app_label, codename=declared.codename
        ).exists():
            group_permission_revoke(actor=actor, group=group, name=declared.name)
    return sorted(wanted)


def _current_order() -> list[Group]:
    # Lock every group's row, so two reorderings cannot interleave.
    list(Group.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    return list(groups_ordered())


def _renumber(actor: Actor, before: list[Group], after: Sequence[Group]) -> list[Group]:
    old_names = [group.name for group in before]
    new_names = [group.name for group in after]
    existing = {profile.group_id: profile for profile in GroupProfile.objects.all()}
    changed, created = [], []
    for position, group in enumerate(after, start=1):
        profile = existing.get(group.pk)
        if profile is None:
            created.append(GroupProfile(group=group, priority=position))
        elif profile.priority != position:
            profile.priority = position
            changed.append(profile)
    GroupProfile.objects.bulk_create(created)
    GroupProfile.objects.bulk_update(changed, ["priority"])
    if old_names != new_names:
        audit_record(
            actor=actor,
            action="group.order_changed",
            target_type="group",
            target_id="",
            target_label=group_order_text(after),
            old={"order": old_names},
            new={"order": new_names},
        )
    return list(after)


@transaction.atomic
def groups_order_set(*, actor: Actor, group_ids: Sequence[int]) -> list[Group]:
    """Put the groups in the order `group_ids` (first = highest priority); it must name every group once."""
    before = _current_order()
    by_id = {group.pk: group for group in before}
    if len(group_ids) != len(set(group_ids)) or set(group_ids) != set(by_id):
        raise ValidationError(
            {"groups": ["Name every group exactly once, in the new order (someone may have added or deleted one)."]}
        )
    return _renumber(actor, before, [by_id[pk] for pk in group_ids])


@transaction.atomic
def group_move(*, actor: Actor, group: Group, offset: int) -> list[Group]:
    """Move `group` `offset` places (-1: up, one place higher priority) in the order; return the new order."""
    before = _current_order()
    ids = [item.pk for item in before]
    if group.pk not in ids:
        raise ValidationError({"group": ["This group no longer exists."]})
    start = ids.index(group.pk)
    target = max(0, min(len(ids) - 1, start + offset))
    after = list(before)
    after.insert(target, after.pop(start))
    return _renumber(actor, before, after)
