"""Host routing: django-tenants' middleware, refusing tenants that are not (or no longer) serving."""

from typing import Any

from django_tenants.middleware.main import TenantMainMiddleware

from apps.tenants.models import Tenant


class TenantMiddleware(TenantMainMiddleware):
    """Route a host name to its tenant's schema; unknown, inactive or unprovisioned tenants answer 404."""

    def get_tenant(self, domain_model: Any, hostname: str) -> Tenant:
        domain = domain_model.objects.select_related("tenant").get(domain=hostname)
        if not domain.tenant.is_serving:
            raise domain_model.DoesNotExist(f"Tenant for {hostname} is not serving.")
        return domain.tenant
