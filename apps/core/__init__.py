"""Shared plumbing with no domain knowledge: htmx helpers, message toasts, health checks.

Public surface: `apps.core.htmx.render_page`, `apps.core.health.health_report`.
"""
