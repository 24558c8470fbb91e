"""Shared plumbing with no domain knowledge: htmx helpers, message toasts, health checks, roles, the API kit.

Public surface: `apps.core.htmx` (`render_page`, `HtmxHttpRequest`), `apps.core.health` (`readiness_report`,
`is_ready`, `health_report` for the console),
`apps.core.tenancy` (the active schema: `current_schema_name`, `on_public_schema`), `apps.core.navigation`
(`nav_register`, `widget_register`: each app adds its links and widgets in its AppConfig.ready()),
`apps.core.roles` (every role check: `Role`, `is_superadmin`, `is_owner`, `superadmin_required`,
`owner_required`, `SuperadminRequiredMixin`, `OwnerRequiredMixin`, and the REST framework permissions
`IsSuperadmin`, `IsTenantOwner`), `apps.core.api` (the API kit: `API_SOURCE`, the error envelope, ETag and
If-Match helpers), `apps.core.circuit` (`CircuitBreaker`, for a cache the code can do without); for the
project package: `apps.core.views.healthz`, `apps.core.views.readyz`,
`apps.core.middleware.HealthCheckMiddleware`, `apps.core.middleware.HtmxMessagesMiddleware`,
`apps.core.context_processors.portal`.

This app imports no other app (an import-linter contract in pyproject.toml): what it needs from them, they
register here.
"""
