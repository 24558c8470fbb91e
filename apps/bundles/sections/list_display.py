"""How a tenant shows a list: its order (value names, first to last) and its labels (default value name → label).

Part of each entry of the bundle's `lists` section, written through `lov_order_set` and `lov_value_label_set`.
An import checks every name against the values the tenant offers once the import's custom values and
selections are applied, so these steps run after those.
"""

from typing import Any

from django.core.exceptions import ValidationError

from apps.bundles.plan import CHANGED, NEW, REMOVED, BundlePlan, call, pointer
from apps.lov import LOVValueType
from apps.lov.models import NAME_MAX_LENGTH, AbstractLOVValue, lov_name_normalise
from apps.lov.registry import LOVList
from apps.lov.services import lov_order_set, lov_value_label_set
from apps.tenants.models import Tenant

ORDER, LABELS = "order", "labels"

ORDER_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "The offered values' names in the tenant's order; offered values left out follow in their "
    "current order.",
    "items": {"type": "string", "minLength": 1},
}
LABELS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The tenant's labels of mandatory or offered optional values, by the value's shared name.",
    "additionalProperties": {"type": "string", "minLength": 1, "maxLength": NAME_MAX_LENGTH},
}


def _offered(lov_list: LOVList, tenant: Tenant) -> list[AbstractLOVValue]:
    return list(lov_list.selection_model.objects.selected_values_for_tenant(tenant))


def display_export(lov_list: LOVList, tenant: Tenant) -> dict[str, Any]:
    """Return `{"order": [names], "labels": {name: label}}` of the values `tenant` offers in `lov_list`."""
    offered = _offered(lov_list, tenant)
    return {
        ORDER: [value.name for value in offered],
        # Annotated by in_tenant_order; empty or None when the tenant gave no label.
        LABELS: {value.name: value.lov_tenant_label for value in offered if value.lov_tenant_label},  # type: ignore[attr-defined]
    }


def display_plan(
    plan: BundlePlan,
    tenant: Tenant,
    lov_list: LOVList,
    wanted: dict[str, Any],
    offered_after: dict[str, str],
) -> None:
    """Plan the order and labels in `wanted`; `offered_after` maps lower-case names offered after the import."""
    path = ("lists", lov_list.key)
    current = _offered(lov_list, tenant)
    if ORDER in wanted:
        _order_plan(plan, tenant, lov_list, (*path, ORDER), wanted[ORDER], offered_after, current)
    if LABELS in wanted:
        _labels_plan(plan, tenant, lov_list, (*path, LABELS), wanted[LABELS], offered_after, current)


def _order_plan(
    plan: BundlePlan,
    tenant: Tenant,
    lov_list: LOVList,
    path: tuple[str, ...],
    order: list[str],
    offered_after: dict[str, str],
    current: list[AbstractLOVValue],
) -> None:
    listed: list[str] = []  # lower-case names
    for index, given in enumerate(order):
        lower = lov_name_normalise(given).lower()
        if lower not in offered_after:
            plan.refuse(pointer(*path, index), f"“{given}” is not a value offered in {lov_list.label}.")
        elif lower in listed:
            plan.refuse(pointer(*path, index), f"“{given}” is named twice.")
        else:
            listed.append(lower)
    before = [value.name.lower() for value in current]
    # What lov_order_set leaves: the listed values, then the others in their current order.
    rest = [name for name in before if name in offered_after and name not in listed]
    after = listed + rest + [name for name in offered_after if name not in listed and name not in rest]
    if after != before:
        plan.change(
            pointer(*path),
            CHANGED,
            [value.name for value in current],
            [offered_after[name] for name in after],
        )
        plan.step(pointer(*path), _order_write(lov_list, tenant, listed))


def _order_write(lov_list: LOVList, tenant: Tenant, names: list[str]) -> Any:
    def run(actor: Any) -> None:
        # Read after the selections were written: custom values created by this import have ids only now.
        by_name = {value.name.lower(): value.pk for value in _offered(lov_list, tenant)}
        if any(name not in by_name for name in names):
            raise ValidationError("Some values of this order are not offered here.", code="not_offered")
        lov_order_set(model=lov_list.value_model, tenant=tenant, value_ids=[by_name[name] for name in names])

    return run


def _labels_plan(
    plan: BundlePlan,
    tenant: Tenant,
    lov_list: LOVList,
    path: tuple[str, ...],
    labels: dict[str, str],
    offered_after: dict[str, str],
    current: list[AbstractLOVValue],
) -> None:
    defaults = {value.name.lower(): value for value in lov_list.value_model.objects.live().defaults()}
    wanted: dict[str, str] = {}  # lower-case value name → label
    shown: set[str] = set()  # lower-case labels given so far
    for given, raw_label in labels.items():
        lower, label = lov_name_normalise(given).lower(), lov_name_normalise(raw_label)
        value = defaults.get(lower)
        others = {name for name in offered_after if name != lower} | shown
        if lower in wanted:
            plan.refuse(pointer(*path, given), f"“{given}” is labelled twice.")
        elif value is None and lower in offered_after:
            plan.refuse(pointer(*path, given), f"“{given}” is the tenant's own value: rename it instead.")
        elif value is None:
            plan.refuse(pointer(*path, given), f"“{given}” is not a value of {lov_list.label}.")
        elif lower not in offered_after:
            plan.refuse(pointer(*path, given), f"“{given}” is not offered, so it cannot have a label.")
        elif label.lower() in others:
            plan.refuse(pointer(*path, given), f"“{label}” is already shown in this list.")
        elif label.lower() != lower:  # a label equal to the name is no label
            wanted[lower] = label
            shown.add(label.lower())
    stored = {v.name.lower(): (v, v.lov_tenant_label) for v in current if v.lov_tenant_label}  # type: ignore[attr-defined]
    # Clear first, so a label moved from one value to another is free when it is set.
    for lower, (value, label) in stored.items():
        if lower not in wanted:
            plan.change(pointer(*path, value.name), REMOVED, label, None)
            if lower in offered_after:  # a deselected value's label goes with its selection row
                plan.step(pointer(*path, value.name), call(lov_value_label_set, value=value, tenant=tenant, label=""))
    for lower, label in wanted.items():
        value, old = defaults[lower], stored.get(lower, (None, None))[1]
        if label != old:
            plan.change(pointer(*path, value.name), NEW if old is None else CHANGED, old, label)
            plan.step(pointer(*path, value.name), call(lov_value_label_set, value=value, tenant=tenant, label=label))


def offered_after_names(
    defaults: dict[str, AbstractLOVValue], custom_names: list[str], selected: list[str]
) -> dict[str, str]:
    """Return the values offered once the import is applied, lower-case name → name: mandatory and selected."""
    known = {name.lower(): name for name in custom_names} | {lower: v.name for lower, v in defaults.items()}
    offered = {lower: v.name for lower, v in defaults.items() if v.value_type == LOVValueType.MANDATORY}
    for given in selected:
        lower = lov_name_normalise(given).lower()
        if lower in known and lower not in offered:
            offered[lower] = known[lower]
    return offered
