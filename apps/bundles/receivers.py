"""Start a new tenant from another tenant's configuration ("start from Acme's configuration")."""

import logging
from typing import Any

from apps.bundles.services import bundle_export, bundle_import
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)


def bundle_copy_on_tenant_ready(sender: Any, tenant: Tenant, copy_from: str | None = None, **kwargs: Any) -> None:
    """Import the bundle of the tenant named by `copy_from` (a schema name) into the new tenant.

    A refused bundle raises BundleRefused, which fails the provisioning (tenant_ready is sent with `send`).
    """
    if not copy_from:
        return
    source = Tenant.objects.get(schema_name=copy_from)
    plan = bundle_import(tenant=tenant, document=bundle_export(tenant=source), actor=None)
    logger.info(
        "Tenant %s starts from %s's configuration: %d changes", tenant.schema_name, copy_from, len(plan.changes)
    )
