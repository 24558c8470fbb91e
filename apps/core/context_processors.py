"""Template context every page needs: which site this is and what the visitor may do there."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from apps.core.navigation import nav_links, nav_owner_links, widgets_for
from apps.core.roles import is_owner, is_superadmin


def portal(request: HttpRequest) -> dict[str, Any]:
    """Return the tenant and the visitor's roles; safe on error pages rendered before routing finished."""
    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    superadmin = signed_in and is_superadmin(user)
    owner = signed_in and not is_public and is_owner(user)
    roles = {"is_superadmin": superadmin, "is_owner": owner, "on_tenant_site": not is_public}
    return {
        "portal_tenant": None if is_public else tenant,
        "portal_is_public_site": is_public,
        "portal_is_superadmin": superadmin,
        "portal_is_owner": owner,
        "portal_nav": nav_links(**roles) if signed_in else [],
        "portal_nav_owner": nav_owner_links(**roles) if signed_in else [],
        "portal_navbar_widgets": widgets_for("navbar", **roles) if signed_in else [],
        "portal_dashboard_widgets": widgets_for("dashboard", **roles) if signed_in else [],
    }
