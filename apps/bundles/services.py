"""Export a tenant's bundle, plan an import (the dry-run diff), and apply it all or nothing."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.bundles.plan import BundlePlan, BundleRefused
from apps.bundles.schema import BUNDLE_VERSION, schema_check
from apps.bundles.sections import SECTIONS
from apps.tenants.models import Tenant

__all__ = ["BundlePlan", "BundleRefused", "bundle_export", "bundle_import", "bundle_plan", "configuration_of"]


def bundle_export(*, tenant: Tenant) -> dict[str, Any]:
    """Return `tenant`'s configuration as a bundle (every section, the version and where it comes from)."""
    with schema_context(tenant.schema_name):
        sections = {section.key: section.export(tenant) for section in SECTIONS}
    source = {"tenant": tenant.schema_name, "name": tenant.name, "exported_at": timezone.now().isoformat()}
    return {"version": BUNDLE_VERSION, "source": source, **sections}


def configuration_of(document: dict[str, Any]) -> dict[str, Any]:
    """Return a bundle without its informative parts: what two tenants' bundles compare on."""
    return {key: value for key, value in document.items() if key != "source"}


def _plan(tenant: Tenant, document: Any) -> BundlePlan:
    plan = BundlePlan()
    schema_check(document, plan)
    if not plan.valid:
        return plan  # the registries are asked only about a well-formed bundle
    for section in SECTIONS:
        if section.key in document:
            section.plan(tenant, document[section.key], plan)
    return plan


def bundle_plan(*, tenant: Tenant, document: Any) -> BundlePlan:
    """Return what importing `document` into `tenant` would change and refuse; write nothing (the dry run)."""
    with schema_context(tenant.schema_name):
        return _plan(tenant, document)


def _messages(exc: Exception) -> list[str]:
    return list(exc.messages) if isinstance(exc, ValidationError) else [str(exc)]


def bundle_import(*, tenant: Tenant, document: Any, actor: Any = None, dry_run: bool = False) -> BundlePlan:
    """Make `tenant`'s configuration the bundle's, in one transaction, through each app's services; return the plan.

    Raise BundleRefused (its plan names every refused entry) when any entry is invalid: nothing is written then.
    With `dry_run` only the plan is returned, refusals included, and nothing is written.
    """
    if dry_run:
        return bundle_plan(tenant=tenant, document=document)
    with schema_context(tenant.schema_name), transaction.atomic():
        plan = _plan(tenant, document)
        if not plan.valid:
            raise BundleRefused(plan)
        for step in plan.steps:
            try:
                step.run(actor)
            except (ValidationError, ValueError, PermissionDenied) as exc:
                # Something changed since the plan was made (or a check only the write makes): undo everything.
                plan.refuse(step.path, *_messages(exc))
                transaction.set_rollback(True)
                break
    if not plan.valid:
        raise BundleRefused(plan)
    return plan
