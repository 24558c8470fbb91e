"""Host routing: django-tenants' middleware, refusing tenants that are not (or no longer) serving."""

from typing import Any

from django.http import HttpRequest
from django.http.request import split_domain_port
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import remove_www

from apps.tenants.lookup import tenant_for_hostname
from apps.tenants.models import Tenant


class TenantMiddleware(TenantMainMiddleware):
    """Route a host name to its tenant's schema; unknown, inactive or unprovisioned tenants answer 404."""

    @staticmethod
    def hostname_from_request(request: HttpRequest) -> str:
        """Return the request's host name as domains are stored: lower case, no port, no trailing dot, no "www.".

        Host names are case-insensitive and "acme.localhost." (fully qualified) names the same host as
        "acme.localhost"; django-tenants compares the raw text, so either spelling would answer 404. Django's
        own host parsing (which the ALLOWED_HOSTS check uses too) gives the canonical form, IPv6 included.
        """
        domain, _port = split_domain_port(request.get_host())
        return str(remove_www(domain))

    def get_tenant(self, domain_model: Any, hostname: str) -> Tenant:
        # From this process's cache when the tenants' version token has not moved (apps.tenants.lookup).
        tenant = tenant_for_hostname(hostname)
        if not tenant.is_serving:
            raise domain_model.DoesNotExist(f"Tenant for {hostname} is not serving.")
        return tenant
