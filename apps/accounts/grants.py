"""The permissions an owner may grant a group: only those the product declares, never arbitrary ones.

The product (apps.catalog) declares each grantable permission in its AppConfig.ready() with
`grantable_permission_register`; group pages and the API offer these and nothing else, and the group service
refuses any other (`grantable_permission_get` answers None for it). A permission is named as Django names it,
`"<app_label>.<codename>"`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class GrantablePermission:
    """A permission owners may grant a group, with what it means to the people who get it."""

    name: str  # "<app_label>.<codename>", as `user.has_perm` takes it
    label: str
    description: str = ""

    @property
    def app_label(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def codename(self) -> str:
        return self.name.split(".", 1)[1]


_grantable: dict[str, GrantablePermission] = {}


def grantable_permission_register(permission: GrantablePermission) -> GrantablePermission:
    """Declare a permission owners may grant (idempotent by name); return it."""
    if permission.name.count(".") != 1:
        raise ValueError(f"Name a permission as '<app_label>.<codename>', not {permission.name!r}.")
    _grantable[permission.name] = permission
    return permission


def grantable_permissions() -> list[GrantablePermission]:
    """Return every grantable permission, by label."""
    return sorted(_grantable.values(), key=lambda permission: permission.label)


def grantable_permission_get(name: str) -> GrantablePermission | None:
    """Return the declared permission called `name`, or None when the product does not declare it."""
    return _grantable.get(name)
