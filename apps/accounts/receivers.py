"""Create the first owner of a new tenant when its schema is ready."""

from typing import Any

from apps.accounts.services import member_create
from apps.tenants.services import OwnerAccount


def owner_create_on_tenant_ready(sender: Any, tenant: Any, owner: OwnerAccount | None = None, **kwargs: Any) -> None:
    """Create the owner's user and owner profile in the new schema (which is active while the signal runs)."""
    if owner is None:
        return
    member_create(username=owner.username, email=owner.email, password_hash=owner.password_hash, is_owner=True)
