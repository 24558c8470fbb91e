"""Lists of values curated by tenant owners: mandatory and optional values from code, custom ones per tenant.

Public surface:
- `apps.lov.LOVValueType` (`MANDATORY`, `OPTIONAL`, `CUSTOM`)
- `apps.lov.models`: `AbstractLOVValue`, `AbstractLOVSelection` (subclass both once per list);
  `lov_model_base()` (the metaclass base, `settings.LOV_MODEL_BASE`, default Django's `ModelBase`)
- managers on those models: `for_tenant`, `in_tenant_order(tenant)`, `create_for_tenant`, `create_mandatory`,
  `create_optional` (hooks `before_create(*args, **kwargs)`, `after_create(obj, *args, **kwargs)`);
  `values_for_tenant`, `selected_values_for_tenant`, `selections_for_tenant` (in the tenant's order, labelled)
- `apps.lov.forms`: `LOVValueCreateFormMixin`, `LOVSelectionsModelForm` (`class Meta: model = <selection
  model>`, field `lov_selections`), `LOVChoiceField`, `lov_choice_field_for`
- `apps.lov.services`: `lov_defaults_sync`, `lov_defaults_sync_all`, `lov_custom_value_create`,
  `lov_custom_value_rename`, `lov_custom_value_delete(value=, tenant=, move_to=None)`, `lov_records_move`,
  `lov_value_select`, `lov_selections_sync`, `lov_value_move(value=, tenant=, offset=)`,
  `lov_value_label_set(value=, tenant=, label=, expected=None)` (rename, select and label take `expected=` and
  raise `StaleValueError` when the value moved since)
- `apps.lov.registry`: `lov_lists`, `lov_list_get` (every concrete list, discovered; `LOVList.usages`)
- `apps.lov.admin`: `LOVValueAdmin`, `LOVSelectionAdmin`
- `manage.py update_lovs`; the owner console at /owner/lists/ (with /owner/lists/<key>/order/); the API at
  /api/lists/.

What a tenant's curation of a list is made of (all in the public schema, for an export to read):
- custom values: rows of the value model with `value_type="custom"` and `lov_tenant=<tenant>` (soft-deleted
  ones have `deleted` set);
- selections: rows of the selection model `(lov_tenant, lov_value)`; a row of an optional or custom value
  means "offered"; a mandatory value is always offered and has a row only to hold the two fields below;
- order: `selection.lov_position` (1…n over the offered values once the owner reordered; empty: the list's
  declared order, `value.lov_default_position` from `lov_defaults` when `lov_defaults_ordered`, then by name);
- labels: `selection.lov_label` (default values only; empty: the shared `value.name`).
Read them in order with `selection_model.objects.selected_values_for_tenant(tenant)` (each value carries
`lov_tenant_position`, `lov_tenant_label` and `lov_display`); write them back with `lov_selections_sync`,
`lov_custom_value_create`, `lov_value_label_set` and the positions through the selection rows.
"""

from apps.lov.types import LOVValueType

__all__ = ["LOVValueType"]
