"""Signals of the tenant lifecycle."""

from django.dispatch import Signal

# Sent (sender=Tenant, tenant=<Tenant>, owner=<OwnerAccount | None>) inside the new schema once its migrations
# are applied, so other apps can seed the tenant's data (default lists, notifications) and accounts can create
# the first owner. Sent with `send`, not `send_robust`: a receiver's error fails the provisioning.
tenant_ready = Signal()
