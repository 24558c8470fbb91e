"""Signals of the tenant lifecycle."""

from django.dispatch import Signal

# Sent (sender=Tenant, tenant=<Tenant>, owner=<OwnerAccount | None>, copy_from=<schema name | None>) inside the
# new schema once its migrations are applied, so other apps can seed the tenant's data (default lists,
# notifications), accounts can create the first owner and bundles can copy another tenant's configuration.
# Sent with `send`, not `send_robust`: a receiver's error fails the provisioning.
tenant_ready = Signal()
