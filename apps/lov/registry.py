"""Every concrete list of values in the project, discovered from the app registry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.text import slugify

from apps.lov.models import AbstractLOVSelection, AbstractLOVValue


@dataclass(frozen=True)
class LOVList:
    """One list: its URL key, its models, and the tenant-schema fields that use its values."""

    key: str
    value_model: type[AbstractLOVValue]
    selection_model: type[AbstractLOVSelection]
    usages: tuple[tuple[type[models.Model], str], ...]

    @property
    def label(self) -> str:
        return str(self.value_model._meta.verbose_name_plural).capitalize()

    @property
    def label_singular(self) -> str:
        return str(self.value_model._meta.verbose_name)


def _is_tenant_model(model: type[models.Model]) -> bool:
    # Only tenant-schema tables can be counted in a tenant's schema; a shared model referencing values
    # would mix every tenant's records.
    name = model._meta.app_config.name
    return name in settings.TENANT_APPS and name not in settings.SHARED_APPS


def _usages(model: type[AbstractLOVValue]) -> tuple[tuple[type[models.Model], str], ...]:
    """Return (model, field name) of every tenant-schema foreign key to `model`; a many-to-many field counts
    through its intermediate table (one row per record and value)."""
    selection = model.lov_selection_model()
    found: list[tuple[type[models.Model], str]] = []
    for rel in model._meta.related_objects:
        if rel.related_model is selection or not _is_tenant_model(rel.related_model):
            continue
        if rel.one_to_many:
            found.append((rel.related_model, rel.field.name))
        elif isinstance(rel, models.ManyToManyRel) and rel.through is not None:
            found.append((rel.through, rel.field.m2m_reverse_field_name()))
    return tuple(found)


@cache
def lov_lists() -> tuple[LOVList, ...]:
    """Return every concrete list, ordered by label (computed once the app registry is ready)."""
    found = [
        LOVList(
            key=slugify(str(model._meta.verbose_name_plural)),
            value_model=model,
            selection_model=model.lov_selection_model(),
            usages=_usages(model),
        )
        for model in apps.get_models()
        if issubclass(model, AbstractLOVValue)
    ]
    return tuple(sorted(found, key=lambda item: item.label))


def lov_list_get(key: str) -> LOVList | None:
    """Return the list with this URL key, or None."""
    return next((item for item in lov_lists() if item.key == key), None)
