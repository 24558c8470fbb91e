"""The public domain's admin site: only the models whose tables are in the public schema.

Every app registers its models on Django's default site, which the tenant domains serve. The public domain
serves this site instead, built from the same registrations, so a tenant-only model (deliveries, tasks,
users' preferences) is never listed where its table does not exist.
"""

from functools import cache

from django.contrib import admin

from apps.tenants.schemas import model_in_public_schema


@cache
def public_admin_site() -> admin.AdminSite:
    """Return the admin site of the public domain (built once, after every app registered its models)."""
    # The same name as the default site, so `admin:` URL names reverse on both domains.
    site = admin.AdminSite(name="admin")
    for model, model_admin in admin.site._registry.items():
        if model_in_public_schema(model):
            site.register(model, type(model_admin))
    return site
