"""The demo domain's lists of values (job titles, task statuses), shared by every tenant.

These tables live in the public schema (a shared app): mandatory and optional values exist once for all
tenants, each custom value carries its tenant, and tenant-schema records point at them by foreign key.
Public surface: `apps.projects.lists.models` (`JobTitle`, `JobTitleSelection`, `TaskStatus`, `TaskStatusSelection`).
"""
