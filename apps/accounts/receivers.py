"""Create the first owner of a new tenant when its schema is ready; clear a forced password change once done."""

from typing import Any

from apps.accounts.models import Profile
from apps.accounts.services import member_create
from apps.core.tenancy import on_public_schema
from apps.tenants.services import OwnerAccount


def owner_create_on_tenant_ready(sender: Any, tenant: Any, owner: OwnerAccount | None = None, **kwargs: Any) -> None:
    """Create the owner's user and owner profile in the new schema (which is active while the signal runs)."""
    if owner is None:
        return
    member_create(username=owner.username, email=owner.email, password_hash=owner.password_hash, is_owner=True)


def password_change_clears_flag(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """After a user's password was set (`set_password` then `save`), stop forcing them to change it.

    AbstractBaseUser keeps the new raw password in `_password` until its save finishes, so this post_save sees
    whether this save changed the password, whichever view or command did it.
    """
    if created or getattr(instance, "_password", None) is None or on_public_schema():
        return  # superadmins (the public schema) have no profile
    Profile.objects.filter(user_id=instance.pk, must_change_password=True).update(must_change_password=False)
