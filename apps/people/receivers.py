"""Answer the console's request for a new owner of a tenant (apps.tenants cannot call this app itself)."""

from typing import Any

from apps.core.roles import Role
from apps.people.services import invitation_send


def owner_invite_on_request(sender: Any, tenant: Any, email: str, actor_name: str = "", **kwargs: Any) -> None:
    """Invite `email` as an owner of `tenant`, whose schema is active; raise ValidationError to refuse it."""
    invitation_send(
        actor=None, email=email, role=Role.OWNER, tenant_name=tenant.name, on_behalf_of=f"Superadmin {actor_name}"
    )
