"""Which models have tables in the public schema, and deletions there that cascade only into those tables.

A tenant app's tables exist only in tenant schemas. A model of a shared app (a public user, a group) is still
the target of foreign keys from tenant models (profiles, notification settings), so Django's deletion
collector, run on the public schema, would query tenant tables that are not there and fail. No tenant row can
point at a public row across schemas, so on the public schema there is nothing to cascade into: the collector
is taught to skip those relations, for the admin's confirmation page and for the deletion itself.
"""

from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.db.models.deletion import Collector

from apps.core.tenancy import on_public_schema


def model_in_public_schema(model: type[Model]) -> bool:
    """Return whether `model`'s table exists in the public schema (its app is one of the SHARED_APPS)."""
    app_config = model._meta.app_config
    return app_config is not None and app_config.name in settings.SHARED_APPS


_collect_related_objects = Collector.related_objects


def _related_objects_in_schema(
    self: Collector, related_model: type[Model], related_fields: list[Any], objs: Any
) -> QuerySet[Any]:
    if on_public_schema() and not model_in_public_schema(related_model):
        return related_model._base_manager.none()
    return _collect_related_objects(self, related_model, related_fields, objs)


def deletion_collector_install() -> None:
    """Make Django's deletion collector (and the admin's, a subclass) skip tables the active schema lacks."""
    Collector.related_objects = _related_objects_in_schema  # type: ignore[method-assign,assignment]
