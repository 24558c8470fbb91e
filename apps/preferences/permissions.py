"""Who may change which preference.

- Site preferences: superadmins.
- A tenant's global preferences: its owners, or users holding the section's permission
  (`preferences.change_section_<section>`, created for every section, which owners can grant).
- A user's own preferences: that user.
- On top of that, a preference class may name a `permission` of its own.
"""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from apps.core.roles import is_owner, is_superadmin
from apps.preferences.types import BasePreferenceType

SECTION_PERMISSION_PREFIX = "change_section_"


def section_permission_codename(section: str) -> str:
    return f"{SECTION_PERMISSION_PREFIX}{section or 'none'}"


def may_change_section(user: Any, section: str) -> bool:
    """Return whether `user` may change a section of the tenant's preferences: owners, or the section's holders."""
    return is_owner(user) or bool(user.has_perm(f"preferences.{section_permission_codename(section)}"))


def can_change(user: Any, preference: BasePreferenceType, *, scope: str, owner: Any = None) -> bool:
    """Return whether `user` may change `preference` in `scope` (owned by `owner` for user scope)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if preference.permission and not user.has_perm(preference.permission):
        return False
    if scope == "site":
        return is_superadmin(user)
    if scope == "global":
        return may_change_section(user, preference.section_name)
    if scope == "user":
        return owner is not None and owner.pk == user.pk
    return is_owner(user)


def changeable_sections(user: Any, registry: Any) -> set[str]:
    """Return the sections of the tenant's preferences (`registry`) `user` may change (all of them for owners)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    sections = {preference.section_name for preference in registry}
    return {section for section in sections if may_change_section(user, section)}


class MayChangeTenantPreferences(BasePermission):
    """The tenant's preferences API lets in whom the page lets in: owners, or holders of a section's permission.

    Which keys such a holder may read and change is then the section rule (`may_change_section`), checked per
    preference by the views, as the page shows them only their sections' tabs.
    """

    message = "Only the tenant's owners, or people allowed to change one of its sections, may manage its preferences."

    def has_permission(self, request: Request, view: Any) -> bool:
        # The view knows its registry (the tenant's preferences); this module sits below the registries.
        return bool(changeable_sections(request.user, view.get_manager(request).registry))
