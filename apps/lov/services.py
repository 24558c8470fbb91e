"""Writes to lists of values: synchronising defaults from code, and a tenant's custom values and selections."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
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
    renamed: list[str] = field(default_factory=list)  # "“old” → “new”"
    retired: list[str] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)  # "name (custom value of <tenant>)"

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.changed or self.retired or self.renamed)

    def lines(self) -> list[str]:
        """Return one human line per change, for the command's output."""
        lines = [f"{self.model_label}: added “{name}”" for name in self.added]
        lines += [f"{self.model_label}: renamed {rename} (its selections and records kept)" for rename in self.renamed]
        lines += [f"{self.model_label}: changed {change}" for change in self.changed]
        lines += [f"{self.model_label}: retired “{name}” (soft-deleted)" for name in self.retired]
        lines += [f"{self.model_label}: clash — {clash}; the custom value was left as it is" for clash in self.clashes]
        return lines or [f"{self.model_label}: up to date"]


@transaction.atomic
def lov_defaults_sync(*, model: type[AbstractLOVValue]) -> LOVSyncReport:
    """Make the mandatory and optional values of `model` match its `lov_defaults`.

    Adds new defaults (or revives a retired one of the same name), renames a default declared with
    `renamed_from` in place (same row, so selections, labels and records keep it), changes a value_type in
    place, soft-deletes defaults no longer declared, stores the declared order of a list with
    `lov_defaults_ordered`, and never touches a tenant's custom value: a custom value with a default's name
    is reported as a clash. Idempotent. The rows live in the public schema, shared by every tenant schema,
    so one run serves every tenant schema.
    """
    report = LOVSyncReport(model_label=model._meta.label)
    manager = model._base_manager
    declared = {lov_name_normalise(name): spec["value_type"] for name, spec in model.lov_defaults.items()}
    previous = {lov_name_normalise(name): _old_names(spec) for name, spec in model.lov_defaults.items()}
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
        row = live.get(name.lower()) or _renamed_row(name, previous[name], live, retired, declared_lower, report)
        row = row or retired.get(name.lower())
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
    _positions_store(model, declared)
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


def _old_names(spec: dict[str, Any]) -> list[str]:
    """Return the names a default had before (`renamed_from`: a name or a list of names)."""
    old = spec.get("renamed_from") or []
    return [lov_name_normalise(name) for name in ([old] if isinstance(old, str) else old)]


def _renamed_row(
    name: str,
    old_names: list[str],
    live: dict[str, AbstractLOVValue],
    retired: dict[str, AbstractLOVValue],
    declared_lower: dict[str, str],
    report: LOVSyncReport,
) -> AbstractLOVValue | None:
    """Rename the row of a default's old name to `name` in place and return it (None if there is none).

    An old name still declared is not a rename (both names stay). The row is moved in `live` to its new
    name, so it is not retired afterwards.
    """
    for old in old_names:
        row = live.pop(old.lower(), None) or retired.get(old.lower())
        if row is None or old.lower() in declared_lower:
            if row is not None:
                live[old.lower()] = row
            continue
        row.name = name
        row.save(update_fields=["name"])
        live[name.lower()] = row
        report.renamed.append(f"“{old}” → “{name}”")
        return row
    return None


def _positions_store(model: type[AbstractLOVValue], declared: dict[str, str]) -> None:
    """Store each default's place in `lov_defaults` for a list that declares its order (else clear it)."""
    ordered = getattr(model, "lov_defaults_ordered", False)
    for position, name in enumerate(declared):
        # lov_tenant is a metaclass field, unseen by the plugin.
        model._base_manager.filter(
            lov_tenant__isnull=True,  # type: ignore[misc]
            deleted__isnull=True,
            name__iexact=name,
        ).exclude(lov_default_position=position if ordered else None).update(
            lov_default_position=position if ordered else None
        )


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


@transaction.atomic
def lov_custom_value_delete(
    *, value: AbstractLOVValue, tenant: Any, move_to: AbstractLOVValue | None = None
) -> AbstractLOVValue:
    """Soft-delete a custom value of `tenant`: forms stop offering it; its records keep it (archived).

    With `move_to` (another value `tenant` offers), the records in the active tenant schema that use the
    value are first moved to it, in the same transaction as the delete: all of it happens, or none.
    """
    _own_custom_value(value, tenant)
    if move_to is not None:
        model = type(value)
        offered = model.lov_selection_model()._default_manager.selected_values_for_tenant(tenant)
        if move_to.pk == value.pk or not offered.filter(pk=move_to.pk).exists():
            raise ValidationError(
                {"move_to": ValidationError("Choose another value offered here.", code="invalid_choice")}
            )
        lov_records_move(model=model, source=value, target=move_to)
    value.delete()
    return value


def lov_records_move(*, model: type[AbstractLOVValue], source: AbstractLOVValue, target: AbstractLOVValue) -> int:
    """Point every record of the active tenant schema that uses `source` at `target`; return how many moved.

    A record that may hold a value once (a many-to-many row, a unique pair) and already holds `target`
    drops `source` instead of being duplicated.
    """
    lov_list = next(item for item in lov_lists() if item.value_model is model)
    moved = 0
    for usage_model, field_name in lov_list.usages:
        rows = usage_model._default_manager.filter(**{field_name: source.pk})
        for others in _unique_partners(usage_model, field_name):
            twin = usage_model._default_manager.filter(
                **{field_name: target.pk}, **{name: OuterRef(name) for name in others}
            )
            moved += rows.filter(Exists(twin)).delete()[0]
        moved += rows.update(**{field_name: target.pk})
    return moved


def _unique_partners(model: type[Any], field_name: str) -> list[list[str]]:
    """Return, for each uniqueness rule of `model` that includes `field_name`, the other fields in it."""
    rules = [list(fields) for fields in model._meta.unique_together]
    rules += [list(c.fields) for c in model._meta.total_unique_constraints]
    names = {field_name, model._meta.get_field(field_name).attname}
    return [[name for name in rule if name not in names] for rule in rules if names & set(rule)]


def _offered_in_order(model: type[AbstractLOVValue], tenant: Any) -> list[AbstractLOVValue]:
    return list(model.lov_selection_model()._default_manager.selected_values_for_tenant(tenant))


@transaction.atomic
def lov_value_move(*, value: AbstractLOVValue, tenant: Any, offset: int) -> list[AbstractLOVValue]:
    """Move a value `offset` places (-1 up, +1 down) in `tenant`'s order; return the offered values in order.

    The whole order is written (positions 1…n on the tenant's selection rows; a mandatory value gets a row to
    hold its place), so later additions go to the end and the declared order no longer applies to this
    tenant. A value that `tenant` does not offer is refused.
    """
    model = type(value)
    selection_model = model.lov_selection_model()
    # One writer of a tenant's order at a time: lock its selection rows.
    list(selection_model._default_manager.filter(lov_tenant_id=tenant_pk(tenant)).select_for_update())
    values = _offered_in_order(model, tenant)
    index = next((i for i, item in enumerate(values) if item.pk == value.pk), None)
    if index is None:
        raise ValidationError(f"“{value.name}” is not offered here, so it has no place.", code="not_offered")
    item = values.pop(index)
    values.insert(max(0, min(len(values), index + offset)), item)
    _positions_write(selection_model, tenant, values)
    return values


@transaction.atomic
def lov_order_set(*, model: type[AbstractLOVValue], tenant: Any, value_ids: Iterable[int]) -> list[AbstractLOVValue]:
    """Put `tenant`'s offered values of `model` in the order of `value_ids`; return them in the new order.

    Offered values missing from `value_ids` keep their relative order after the listed ones (so a value
    offered meanwhile is not lost); an id that is not offered is refused and nothing is written.
    """
    selection_model = model.lov_selection_model()
    list(selection_model._default_manager.filter(lov_tenant_id=tenant_pk(tenant)).select_for_update())
    values = _offered_in_order(model, tenant)
    by_pk = {value.pk: value for value in values}
    wanted = list(dict.fromkeys(value_ids))
    if any(pk not in by_pk for pk in wanted):
        raise ValidationError("Some of these values are not offered here.", code="not_offered")
    ordered = [by_pk[pk] for pk in wanted] + [value for value in values if value.pk not in set(wanted)]
    _positions_write(selection_model, tenant, ordered)
    return ordered


def _positions_write(selection_model: Any, tenant: Any, values: list[AbstractLOVValue]) -> None:
    rows = [
        selection_model(lov_tenant_id=tenant_pk(tenant), lov_value_id=value.pk, lov_position=position)
        for position, value in enumerate(values, start=1)
    ]
    selection_model._default_manager.bulk_create(
        rows, update_conflicts=True, unique_fields=["lov_tenant", "lov_value"], update_fields=["lov_position"]
    )
    for value, row in zip(values, rows, strict=True):
        value.lov_tenant_position = row.lov_position  # type: ignore[attr-defined]


@transaction.atomic
def lov_value_label_set(
    *, value: AbstractLOVValue, tenant: Any, label: str, expected: str | None = None
) -> AbstractLOVValue:
    """Give a default value `tenant`'s own label (an empty label shows the shared name again).

    The shared value keeps its name; only this tenant's forms and API show the label. A custom value is
    renamed instead, and an optional one must be offered first. A label that another offered value shows
    is refused. `expected` is the label the caller saw; if it moved since, StaleValueError is raised.
    """
    if value.is_custom:
        raise ValidationError("Rename your own value instead of labelling it.", code="custom")
    label = lov_name_normalise(label)
    if label.lower() == value.name.lower():
        label = ""
    model = type(value)
    selections = model.lov_selection_model()._default_manager
    row = selections.select_for_update().filter(lov_tenant_id=tenant_pk(tenant), lov_value=value).first()
    if row is None and not value.is_mandatory:
        raise ValidationError(f"Offer “{value.name}” before giving it a label.", code="not_offered")
    stored = row.lov_label if row is not None else ""
    if expected is not None and stored != expected:
        raise StaleValueError(current=stored)
    if len(label) > 100:
        raise ValidationError({"label": ValidationError("Use at most 100 characters.", code="max_length")})
    if label:
        for other in selections.selected_values_for_tenant(tenant).exclude(pk=value.pk):
            if label.lower() in {other.name.lower(), other.lov_display.lower()}:
                raise ValidationError(
                    {"label": ValidationError(f"“{label}” is already shown in this list.", code="duplicate")}
                )
    if row is None:
        row = selections.create(lov_tenant_id=tenant_pk(tenant), lov_value=value, lov_label=label)
    else:
        row.lov_label = label
        row.save(update_fields=["lov_label"])
    value.lov_tenant_label = label  # type: ignore[attr-defined]
    return value


@transaction.atomic
def lov_value_select(*, value: AbstractLOVValue, tenant: Any, selected: bool, expected: bool | None = None) -> bool:
    """Offer (or stop offering) an optional or custom value in `tenant`'s forms; return the new state.

    Mandatory values are always offered. A value that `tenant` may not use is refused. Stopping to offer a
    value drops its selection row, and with it the tenant's place and label for it. `expected` is whether
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
    # A mandatory value's row only holds the tenant's place and label for it: keep it.
    selections.filter(lov_value_id__in=current - wanted).exclude(lov_value__value_type=LOVValueType.MANDATORY).delete()
    selection_model = model.lov_selection_model()
    selection_model._default_manager.bulk_create(
        # Metaclass fields of every concrete selection model, unseen by the plugin.
        [selection_model(lov_tenant_id=tenant_pk(tenant), lov_value_id=pk) for pk in wanted - current],  # type: ignore[misc]
        ignore_conflicts=True,
    )
