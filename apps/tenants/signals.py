"""Signals of the tenant lifecycle."""

from django.dispatch import Signal

# Sent (sender=Tenant, tenant=<Tenant>, owner=<OwnerAccount | None>, copy_from=<schema name | None>,
# seeded=<bool>) inside the new schema once its migrations are applied, so other apps can seed the tenant's data
# (default lists, notifications), accounts can create the first owner and bundles can copy another tenant's
# configuration. `seeded` is True when the schema already holds the rows of the code's declarations (a clone of a
# current template, see apps.tenants.template.template_seed_register, or a schema its migrations just seeded):
# a receiver that only copies declarations may then skip. Absent means False.
# Sent with `send`, not `send_robust`: a receiver's error fails the provisioning.
tenant_ready = Signal()

# Sent (sender=Tenant, tenant=<Tenant>, email=<str>, actor_name=<str>) by the console inside the tenant's schema,
# to invite a new owner into a tenant that lost its own. apps.people answers it (the tenants app sits below it and
# cannot call it); a receiver raises django.core.exceptions.ValidationError to refuse the address.
owner_invitation_requested = Signal()
