"""The interface of one part of a bundle."""

from typing import Any, Protocol

from apps.bundles.plan import BundlePlan
from apps.tenants.models import Tenant


class BundleSection(Protocol):
    """One top-level key of a bundle. Methods run inside the tenant's schema.

    An import replaces the part a present section describes (entries the tenant has and the section lacks are
    removed); a section left out of the bundle leaves that part alone.
    """

    key: str

    def schema(self) -> dict[str, Any]:
        """Return the JSON Schema of this section's value."""
        ...

    def export(self, tenant: Tenant) -> Any:
        """Return the tenant's part as JSON data."""
        ...

    def plan(self, tenant: Tenant, data: Any, plan: BundlePlan) -> None:
        """Check `data` (already valid against the schema) against the registries; add changes, refusals, steps."""
        ...
