"""Tenants: who the site serves and on which domain.

Public surface for other apps:
- `apps.tenants.models.Tenant`, `apps.tenants.models.Domain`
- `apps.tenants.services`: `tenant_create`, `tenant_provision`, `tenant_deactivate`, `tenant_reactivate`,
  `tenant_delete`, `public_tenant_ensure`, `OwnerAccount` (a first owner's username, email, password hash)
- `apps.tenants.selectors`: `tenant_list`, `tenant_user_counts`, `tenant_domain_url`
- `apps.tenants.signals.tenant_ready`: sent once a new tenant's schema is migrated, with its `owner` (an
  `OwnerAccount` or None) and `seeded` (the schema holds the code's declared rows), so other apps seed its data
  and accounts creates the owner.
- `apps.tenants.template.template_seed_register`: declare rows a post_migrate receiver writes, so the template
  schema new tenants are cloned from holds them and is rebuilt when their declarations change.
- `apps.tenants.lookup`: `tenant_for_hostname` (cached per process, version token in Redis),
  `tenant_lookup_invalidate` (after changing a serving tenant without `save()`/`delete()`)
- `apps.tenants.middleware.TenantMiddleware` (for the settings); `apps.tenants.admin.public_admin_site` (the
  public urlconf's admin: public-schema models only); `apps.tenants.schemas.model_in_public_schema`.

Used by every other app; imports none of them.
"""
