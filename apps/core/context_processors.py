"""Template context every page needs: which site this is and what the visitor may do there."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    """Return the tenant and the visitor's roles; safe on error pages rendered before routing finished."""
    from apps.accounts.roles import is_owner
    from apps.tenants.roles import is_superadmin

    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME
    user = getattr(request, "user", None)
    return {
        "portal_tenant": None if is_public else tenant,
        "portal_is_public_site": is_public,
        "portal_is_superadmin": is_superadmin(request) if user is not None else False,
        "portal_is_owner": (not is_public) and user is not None and is_owner(user),
    }
