"""Keep every list's defaults in step with the code when a tenant is created."""

import logging
from typing import Any

from django.dispatch import receiver

from apps.lov.models import AbstractLOVValue, lov_name_normalise
from apps.lov.registry import lov_lists
from apps.lov.services import lov_defaults_sync_all
from apps.tenants.signals import tenant_ready

logger = logging.getLogger(__name__)


def _defaults_in_step(model: type[AbstractLOVValue]) -> bool:
    """Whether the live defaults of `model` are exactly the declared ones, so that a sync would change nothing."""
    ordered = getattr(model, "lov_defaults_ordered", False)
    declared = {lov_name_normalise(name): spec["value_type"] for name, spec in model.lov_defaults.items()}
    wanted = {name.lower(): (kind, place if ordered else None) for place, (name, kind) in enumerate(declared.items())}
    # lov_tenant is a metaclass field, unseen by the plugin.
    rows = model._base_manager.filter(lov_tenant__isnull=True, deleted__isnull=True)  # type: ignore[misc]
    stored = {
        name.lower(): (kind, place)
        for name, kind, place in rows.values_list("name", "value_type", "lov_default_position")
    }
    return stored == wanted


@receiver(tenant_ready, dispatch_uid="lov_defaults_on_tenant_ready")
def lov_defaults_on_tenant_ready(sender: Any, tenant: Any, **kwargs: Any) -> None:
    """Synchronise the defaults, so the new tenant starts with every mandatory and optional value.

    The defaults are shared rows of the public schema, synced on deploy (`update_lovs`): for most new tenants one
    read per list finds them in step, and the locking sync runs only when they are not.
    """
    if all(_defaults_in_step(item.value_model) for item in lov_lists()):
        return
    for report in lov_defaults_sync_all():
        if not report.unchanged:
            logger.info("; ".join(report.lines()))
