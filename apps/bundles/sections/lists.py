"""The lists of values: per list, the tenant's custom values, the values it offers, their order and labels."""

from typing import Any

from django.core.exceptions import ValidationError

from apps.bundles.plan import CHANGED, NEW, REMOVED, BundlePlan, call, pointer
from apps.bundles.sections.list_display import (
    LABELS,
    LABELS_SCHEMA,
    ORDER,
    ORDER_SCHEMA,
    display_export,
    display_plan,
    offered_after_names,
)
from apps.lov import LOVValueType
from apps.lov.models import NAME_MAX_LENGTH, AbstractLOVValue, lov_name_normalise
from apps.lov.registry import LOVList, lov_list_get, lov_lists
from apps.lov.services import (
    lov_custom_value_create,
    lov_custom_value_delete,
    lov_custom_value_rename,
    lov_selections_sync,
)
from apps.tenants.models import Tenant

CUSTOM, SELECTED = "custom", "selected"
_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True}


def _customs(lov_list: LOVList, tenant: Tenant) -> dict[str, AbstractLOVValue]:
    """Return the tenant's live custom values by lower-case name (names are unique regardless of case)."""
    values = lov_list.value_model.objects.for_tenant(tenant).filter(value_type=LOVValueType.CUSTOM)
    return {value.name.lower(): value for value in values}


def _selected(lov_list: LOVList, tenant: Tenant) -> list[str]:
    offered = lov_list.selection_model.objects.selected_values_for_tenant(tenant)
    return sorted(offered.exclude(value_type=LOVValueType.MANDATORY).values_list("name", flat=True))


class ListsSection:
    """`"lists": {list key: {"custom": [names], "selected": [names], "order": [names], "labels": {name: label}}}`.

    `selected` names optional or custom values; `order` the offered values in the tenant's order; `labels` the
    tenant's labels of default values (see `list_display`).
    """

    key = "lists"

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "Per list of values (by its key, e.g. job-titles): the tenant's custom values, and the "
            "optional and custom values it offers (mandatory values are always offered), the offered values in the "
            "tenant's order, and the tenant's labels of default values.",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {CUSTOM: _NAMES, SELECTED: _NAMES, ORDER: ORDER_SCHEMA, LABELS: LABELS_SCHEMA},
            },
        }

    def export(self, tenant: Tenant) -> dict[str, Any]:
        return {
            lov_list.key: {
                CUSTOM: sorted(v.name for v in _customs(lov_list, tenant).values()),
                SELECTED: _selected(lov_list, tenant),
                **display_export(lov_list, tenant),
            }
            for lov_list in lov_lists()
        }

    def plan(self, tenant: Tenant, data: dict[str, Any], plan: BundlePlan) -> None:
        for key, wanted in data.items():
            lov_list = lov_list_get(key)
            if lov_list is None:
                plan.refuse(pointer(self.key, key), f"{key} is not a list of values.")
                continue
            self._list_plan(plan, tenant, lov_list, wanted)

    def _list_plan(self, plan: BundlePlan, tenant: Tenant, lov_list: LOVList, wanted: dict[str, Any]) -> None:
        path = (self.key, lov_list.key)
        defaults = {value.name.lower(): value for value in lov_list.value_model.objects.live().defaults()}
        customs = _customs(lov_list, tenant)
        names = [lov_name_normalise(name) for name in wanted.get(CUSTOM, [value.name for value in customs.values()])]
        self._custom_names_check(plan, path, names, defaults)
        if CUSTOM in wanted:
            self._customs_plan(plan, tenant, lov_list, names, customs)
        if SELECTED in wanted:
            self._selected_plan(plan, tenant, lov_list, wanted[SELECTED], defaults, names)
        if ORDER in wanted or LABELS in wanted:
            selected = wanted[SELECTED] if SELECTED in wanted else _selected(lov_list, tenant)
            display_plan(plan, tenant, lov_list, wanted, offered_after_names(defaults, names, selected))

    def _custom_names_check(
        self, plan: BundlePlan, path: tuple[str, ...], names: list[str], defaults: dict[str, AbstractLOVValue]
    ) -> None:
        for index, name in enumerate(names):
            if not name:
                plan.refuse(pointer(*path, CUSTOM, index), "Enter a name.")
            elif len(name) > NAME_MAX_LENGTH:
                plan.refuse(pointer(*path, CUSTOM, index), f"A name has at most {NAME_MAX_LENGTH} characters.")
            elif name.lower() in defaults:
                plan.refuse(pointer(*path, CUSTOM, index), f"“{name}” is already a value every tenant may use.")
            elif name.lower() in [earlier.lower() for earlier in names[:index]]:
                plan.refuse(pointer(*path, CUSTOM, index), f"“{name}” is named twice.")

    def _selected_plan(
        self,
        plan: BundlePlan,
        tenant: Tenant,
        lov_list: LOVList,
        selected: list[str],
        defaults: dict[str, AbstractLOVValue],
        custom_names: list[str],
    ) -> None:
        path = (self.key, lov_list.key, SELECTED)
        customs = {name.lower() for name in custom_names}
        wanted: dict[str, str] = {}  # lower-case name → the bundle's spelling
        for index, given in enumerate(selected):
            name = lov_name_normalise(given)
            default = defaults.get(name.lower())
            if default is None and name.lower() not in customs:
                plan.refuse(pointer(*path, index), f"“{given}” is not a value of {lov_list.label}.")
            elif default is not None and default.is_mandatory:
                plan.refuse(pointer(*path, index), f"“{given}” is mandatory and always offered.")
            else:
                wanted[name.lower()] = name
        current = {name.lower(): name for name in _selected(lov_list, tenant)}
        for name in sorted(set(wanted) - set(current)):
            plan.change(pointer(*path, wanted[name]), NEW, None, True)
        for name in sorted(set(current) - set(wanted)):
            plan.change(pointer(*path, current[name]), REMOVED, True, None)
        if set(wanted) != set(current):
            plan.step(pointer(*path), _sync(lov_list, tenant, set(wanted)))

    def _customs_plan(
        self,
        plan: BundlePlan,
        tenant: Tenant,
        lov_list: LOVList,
        names: list[str],
        customs: dict[str, AbstractLOVValue],
    ) -> None:
        path = (self.key, lov_list.key, CUSTOM)
        for name in names:
            value = customs.get(name.lower())
            if value is None:
                plan.change(pointer(*path, name), NEW, None, name)
                plan.step(
                    pointer(*path, name),
                    call(lov_custom_value_create, model=lov_list.value_model, tenant=tenant, name=name, select=False),
                )
            elif value.name != name:
                plan.change(pointer(*path, name), CHANGED, value.name, name)
                plan.step(
                    pointer(*path, name),
                    call(lov_custom_value_rename, value=value, tenant=tenant, name=name),
                )
        wanted = {name.lower() for name in names}
        for lower, value in customs.items():
            if lower not in wanted:
                plan.change(pointer(*path, value.name), REMOVED, value.name, None)
                plan.step(
                    pointer(*path, value.name),
                    call(lov_custom_value_delete, value=value, tenant=tenant),
                )


def _sync(lov_list: LOVList, tenant: Tenant, names: set[str]) -> Any:
    def run(actor: Any) -> None:
        # Read after the custom values were created: the lower-case names resolve to this tenant's live values.
        values = [v for v in lov_list.value_model.objects.for_tenant(tenant) if v.name.lower() in names]
        if len(values) != len(names):
            raise ValidationError("Some selected values are not available to this tenant.")
        lov_selections_sync(model=lov_list.value_model, tenant=tenant, values=values)

    return run
