"""Shared plumbing with no domain knowledge: htmx helpers, message toasts, health checks.

Public surface: `apps.core.htmx.render_page`, `apps.core.health.health_report`, `apps.core.tenancy` (the active
schema: `current_schema_name`, `on_public_schema`), `apps.core.navigation` (nav links and widgets).
"""
