"""Shared plumbing with no domain knowledge: htmx helpers, message toasts, health checks, roles, the API kit.

Public surface: `apps.core.htmx.render_page`, `apps.core.health.health_report`, `apps.core.tenancy` (the active
schema: `current_schema_name`, `on_public_schema`), `apps.core.navigation` (nav links and widgets),
`apps.core.roles` (every role check: `Role`, `is_superadmin`, `is_owner`, `superadmin_required`,
`owner_required`, `SuperadminRequiredMixin`, `OwnerRequiredMixin`, and the REST framework permissions
`IsSuperadmin`, `IsTenantOwner`), `apps.core.api` (the API kit: `API_SOURCE`, the error envelope, ETag and
If-Match helpers). This app imports no other app of the portal.
"""
