"""Accounts inside a tenant: each user's profile and role (owner or member), login pages, the dashboard.

Public surface for other apps:
- `apps.accounts.models.Profile` (`role`, `phone_number`)
- `apps.accounts.services`: `member_create`, `members_bulk_create` (with `NewMember`), `group_ensure`
- `apps.accounts.grants`: the permissions owners may grant groups (`grantable_permission_register`, …)
- `apps.accounts.backends`: `PortalBackend` (the sign-in backend: user and profile in one query),
  `signed_in_user_extend` (add what every request reads about its user to that query)

Creates a new tenant's first owner itself, on `apps.tenants.signals.tenant_ready` (`apps.accounts.receivers`).
"""
