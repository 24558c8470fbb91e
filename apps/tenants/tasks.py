"""Celery tasks of the tenant lifecycle. They fetch by id and call a service."""

from celery import shared_task

from apps.tenants.models import Tenant
from apps.tenants.services import OwnerAccount, tenant_provision


@shared_task
def provision_tenant(tenant_id: int, owner: tuple[str, str, str] | None = None, copy_from: str | None = None) -> str:
    """Provision a tenant recorded by `tenant_create` (copying `copy_from`'s configuration); return its final state."""
    tenant = Tenant.objects.get(pk=tenant_id)
    owner_account = OwnerAccount(*owner) if owner else None
    try:
        tenant_provision(tenant, owner=owner_account, copy_from=copy_from)
    except Exception:
        # The service has already marked the tenant failed and logged why; retrying would do it again.
        return Tenant.State.FAILED
    return tenant.state
