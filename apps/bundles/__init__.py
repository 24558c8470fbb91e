"""Tenant bundles: a tenant's configuration as one portable JSON document, exported and imported whole.

A bundle holds the organisation preferences (stored values only), the live-setting overrides, the group and
tenant notification defaults and, per list of values, the custom values and selections. Its JSON Schema is
`apps.bundles.schema.bundle_schema()` (served at /api/bundle/schema/). An import is checked as a whole (the
schema, then every entry against the registries), can be shown as a dry-run diff, and applies all or nothing in
one transaction through each app's own services (source "bundle" in the preference history).

Public surface:
- `apps.bundles.services`: `bundle_export(*, tenant) -> dict`, `bundle_plan(*, tenant, document) -> BundlePlan`,
  `bundle_import(*, tenant, document, actor=None, dry_run=False) -> BundlePlan` (raises `BundleRefused`).
- `apps.bundles.schema`: `BUNDLE_VERSION`, `bundle_schema()`.
- `apps.bundles.sections`: `SECTIONS`, the parts of a bundle (add one `BundleSection` there for a new part).
- Pages: `/owner/bundle/` (namespace `bundles`); API: `/api/bundle/`, `/api/bundle/schema/`;
  `manage.py tenant_bundle export|import`; a new tenant may copy another's bundle (`tenant_ready`'s `copy_from`).
"""
