"""Keep every list's defaults in step with the code when a tenant is created."""

import logging
from typing import Any

from django.dispatch import receiver

from apps.lov.services import lov_defaults_sync_all
from apps.tenants.signals import tenant_ready

logger = logging.getLogger(__name__)


@receiver(tenant_ready, dispatch_uid="lov_defaults_on_tenant_ready")
def lov_defaults_on_tenant_ready(sender: Any, tenant: Any, **kwargs: Any) -> None:
    """Synchronise the defaults, so the new tenant starts with every mandatory and optional value."""
    for report in lov_defaults_sync_all():
        if not report.unchanged:
            logger.info("; ".join(report.lines()))
