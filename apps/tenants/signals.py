"""Signals of the tenant lifecycle."""

from django.dispatch import Signal

# Sent (sender=Tenant, tenant=<Tenant>) inside the new schema once its migrations are applied,
# so other apps can seed the tenant's data (default lists, preferences).
tenant_ready = Signal()
