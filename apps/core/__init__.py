"""Shared plumbing with no domain knowledge: htmx helpers, message toasts, health checks.

Public surface: `apps.core.htmx` (`render_page`, `HtmxHttpRequest`), `apps.core.health.health_report`,
`apps.core.tenancy` (the active schema: `current_schema_name`, `on_public_schema`), `apps.core.navigation`
(`nav_register`, `widget_register`: each app adds its links and widgets in its AppConfig.ready()); for the
project package: `apps.core.views.healthz`, `apps.core.middleware.HtmxMessagesMiddleware`,
`apps.core.context_processors.portal`.

This app imports no other app (an import-linter contract in pyproject.toml): what it needs from them, they
register here.
"""
