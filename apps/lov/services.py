"""Writes to lists of values: synchronising defaults from code, and a tenant's custom values and selections."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.lov.managers import tenant_pk
from apps.lov.models import AbstractLOVValue, lov_name_normalise
from apps.lov.registry import lov_lists
from apps.lov.types import LOVValueType


class StaleValueError(ValidationError):
    """Raised when a value's name or selection moved since the caller read it; nothing was written.

    `current` is what is stored now: the name for a rename, True/False (offered or not) for a selection.
    """

    def __init__(self, *, current: str | bool) -> None:
        super().__init__("Changed by someone else since you opened this page.", code="stale")
        self.current = current


@dataclass
class LOVSyncReport:
    """What `lov_defaults_sync` did to one list."""

    model_label: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # "name: old → new"
    retired: list[str] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)  # "name (custom value of <tenant>)"

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.changed or self.retired)

    def lines(self) -> list[str]:
        """Return one human line per change, for the command's output."""
        lines = [f"{self.model_label}: added “{name}”" for name in self.added]
        lines += [f"{self.model_label}: changed {change}" for change in self.changed]
        lines += [f"{self.model_label}: retired “{name}” (soft-deleted)" for name in self.retired]
        lines += [f"{self.model_label}: clash — {clash}; the custom value was left as it is" for clash in self.clashes]
        return lines or [f"{self.model_label}: up to date"]


@transaction.atomic
def lov_defaults_sync(*, model: type[AbstractLOVValue]) -> LOVSyncReport:
    """Make the mandatory and optional values of `model` match its `lov_defaults`.

    Adds new defaults (or revives a retired one of the same name), changes a value_type in place,
    soft-deletes defaults no longer declared, and never touches a tenant's custom value: a custom value
    with a default's name is reported as a clash. Idempotent. The rows live in the public schema, shared
    by every tenant, so one run serves every tenant schema.
    """
    report = LOVSyncReport(model_label=model._meta.label)
    manager = model._base_manager
    declared = {lov_name_normalise(name): spec["value_type"] for name, spec in model.lov_defaults.items()}
    declared_lower = {name.lower(): name for name in declared}
    # The plugin checks lookups against the abstract model; lov_tenant exists on every concrete one (metaclass).
    rows = list(manager.filter(lov_tenant__isnull=True).select_for_update().order_by("deleted", "-pk"))  # type: ignore[misc]
    live = {row.name.lower(): row for row in rows if row.deleted is None}
    retired: dict[str, AbstractLOVValue] = {}
    row: AbstractLOVValue | None
    for row in rows:  # newest retired row of each name, in case a default comes back
        if row.deleted is not None:
            retired.setdefault(row.name.lower(), row)

    demoted: list[AbstractLOVValue] = []
    for name, value_type in declared.items():
        row = live.get(name.lower()) or retired.get(name.lower())
        if row is None:
            if value_type == LOVValueType.MANDATORY:
                model.objects.create_mandatory(name)
            else:
                model.objects.create_optional(name)
            report.added.append(name)
        elif row.deleted is not None:
            row.deleted, row.value_type, row.name = None, value_type, name
            row.save(update_fields=["deleted", "value_type", "name"])
            report.added.append(name)
        elif row.value_type != value_type:
            report.changed.append(f"“{row.name}”: {row.value_type} → {value_type}")
            if row.value_type == LOVValueType.MANDATORY:
                demoted.append(row)
            row.value_type = value_type
            row.save(update_fields=["value_type"])
    for lower, row in live.items():
        if lower not in declared_lower:
            manager.filter(pk=row.pk).update(deleted=timezone.now())
            report.retired.append(row.name)

    clashes = (
        manager.filter(value_type=LOVValueType.CUSTOM, deleted__isnull=True, name__iregex=_any_of(declared))
        .select_related("lov_tenant")  # type: ignore[misc]  # a metaclass field, as above
        .order_by("name")
        if declared
        else []
    )
    report.clashes = [f"“{value.name}” (custom value of {value.lov_tenant})" for value in clashes]
    if demoted:
        _keep_demoted_selected(model, demoted)
    return report


def _any_of(names: Iterable[str]) -> str:
    return "^(" + "|".join(re.escape(name) for name in names) + ")$"


def _keep_demoted_selected(model: type[AbstractLOVValue], values: list[AbstractLOVValue]) -> None:
    """Select a value that became optional for every tenant, so no tenant's forms lose it silently."""
    selection_model = model.lov_selection_model()
    # lov_tenant and lov_value are fields of every concrete selection model (metaclass), unseen by the plugin.
    tenant_model = selection_model._meta.get_field("lov_tenant").related_model  # type: ignore[misc]
    tenants = tenant_model._default_manager.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).values_list(
        "pk", flat=True
    )
    selection_model._default_manager.bulk_create(
        [selection_model(lov_tenant_id=pk, lov_value=value) for pk in tenants for value in values],  # type: ignore[misc]
        ignore_conflicts=True,
    )


def lov_defaults_sync_all() -> list[LOVSyncReport]:
    """Synchronise the defaults of every concrete list."""
    return [lov_defaults_sync(model=item.value_model) for item in lov_lists()]


def _own_custom_value(value: AbstractLOVValue, tenant: Any) -> None:
    if not value.is_custom or value.lov_tenant_id != tenant_pk(tenant):
        raise PermissionDenied("Only the tenant's own custom values can be changed.")
    if value.is_deleted:
        raise ValidationError("This value was deleted.", code="deleted")


@transaction.atomic
def lov_custom_value_create(
    *, model: type[AbstractLOVValue], tenant: Any, name: str, select: bool = True
) -> AbstractLOVValue:
    """Create a custom value of `tenant` and (by default) select it, so its members can use it at once."""
    value = model.objects.create_for_tenant(tenant, name)
    if select:
        model.lov_selection_model()._default_manager.create(lov_tenant_id=tenant_pk(tenant), lov_value=value)
    return value


def _locked(value: AbstractLOVValue) -> AbstractLOVValue:
    """Return `value` re-read under a row lock, so a check of what it holds stays true until commit."""
    return type(value)._base_manager.select_for_update().get(pk=value.pk)


@transaction.atomic
def lov_custom_value_rename(
    *, value: AbstractLOVValue, tenant: Any, name: str, expected: str | None = None
) -> AbstractLOVValue:
    """Rename a custom value of `tenant`; records that use it show the new name. Raise ValidationError if taken.

    `expected` is the name the caller saw; if the stored one differs, StaleValueError is raised and nothing
    is written. Without it nothing is checked.
    """
    _own_custom_value(value, tenant)
    if expected is not None:
        stored = _locked(value).name
        if stored != expected:
            value.name = stored
            raise StaleValueError(current=stored)
    value.name = name
    value.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            value.save(update_fields=["name"])
    except IntegrityError as exc:
        raise ValidationError(
            {"name": ValidationError(f"“{value.name}” is already in this list.", code="duplicate")}
        ) from exc
    return value


def lov_custom_value_delete(*, value: AbstractLOVValue, tenant: Any) -> AbstractLOVValue:
    """Soft-delete a custom value of `tenant`: records keep it (archived); forms stop offering it."""
    _own_custom_value(value, tenant)
    value.delete()
    return value


@transaction.atomic
def lov_value_select(*, value: AbstractLOVValue, tenant: Any, selected: bool, expected: bool | None = None) -> bool:
    """Offer (or stop offering) an optional or custom value in `tenant`'s forms; return the new state.

    Mandatory values are always offered. A value that `tenant` may not use is refused. `expected` is whether
    the caller saw the value offered; if that moved since, StaleValueError is raised and nothing is written.
    Without it nothing is checked.
    """
    if value.is_mandatory:
        raise ValidationError(f"“{value.name}” is mandatory and always offered.", code="mandatory")
    model = type(value)
    if not model.objects.for_tenant(tenant).filter(pk=value.pk).exists():
        raise PermissionDenied("This value is not available to this tenant.")
    selections = model.lov_selection_model()._default_manager
    # One writer of this value's selections at a time: the check below holds until commit, and two writers that
    # turn it on together cannot both insert (get_or_create re-raises the duplicate when a third deleted it since).
    _locked(value)
    if expected is not None:
        offered = selections.filter(lov_tenant_id=tenant_pk(tenant), lov_value=value).exists()
        if offered != expected:
            raise StaleValueError(current=offered)
    if selected:
        selections.get_or_create(lov_tenant_id=tenant_pk(tenant), lov_value=value)
    else:
        selections.filter(lov_tenant_id=tenant_pk(tenant), lov_value=value).delete()
    return selected


@transaction.atomic
def lov_selections_sync(*, model: type[AbstractLOVValue], tenant: Any, values: Iterable[AbstractLOVValue]) -> None:
    """Make `tenant`'s selection rows of `model` exactly the optional and custom `values`.

    Only rows of `tenant` are read or written. Mandatory values need no row; values the tenant may not
    use are refused.
    """
    wanted = {value.pk for value in values if not value.is_mandatory}
    allowed = set(model.objects.for_tenant(tenant).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise PermissionDenied("Some values are not available to this tenant.")
    selections = model.lov_selection_model()._default_manager.filter(lov_tenant_id=tenant_pk(tenant))
    current = set(selections.values_list("lov_value_id", flat=True))
    selections.filter(lov_value_id__in=current - wanted).delete()
    selection_model = model.lov_selection_model()
    selection_model._default_manager.bulk_create(
        # Metaclass fields of every concrete selection model, unseen by the plugin.
        [selection_model(lov_tenant_id=tenant_pk(tenant), lov_value_id=pk) for pk in wanted - current],  # type: ignore[misc]
        ignore_conflicts=True,
    )
