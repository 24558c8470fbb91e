"""Lists of values curated by tenant owners: mandatory and optional values from code, custom ones per tenant.

Public surface:
- `apps.lov.LOVValueType` (`MANDATORY`, `OPTIONAL`, `CUSTOM`)
- `apps.lov.models`: `AbstractLOVValue`, `AbstractLOVSelection` (subclass both once per list)
- managers on those models: `for_tenant`, `create_for_tenant`, `create_mandatory`, `create_optional`;
  `values_for_tenant`, `selected_values_for_tenant`, `selections_for_tenant`
- `apps.lov.forms`: `LOVValueCreateFormMixin`, `LOVSelectionsModelForm`, `LOVChoiceField`
- `apps.lov.services`: `lov_defaults_sync`, `lov_defaults_sync_all`, `lov_custom_value_create`,
  `lov_custom_value_rename`, `lov_custom_value_delete`, `lov_value_select`, `lov_selections_sync`
  (rename and select take `expected=` and raise `StaleValueError` when the value moved since)
- `apps.lov.registry`: `lov_lists`, `lov_list_get` (every concrete list, discovered)
- `apps.lov.admin`: `LOVValueAdmin`, `LOVSelectionAdmin`
- `manage.py update_lovs`; the owner console at /owner/lists/; the API at /api/lists/.
"""

from apps.lov.types import LOVValueType

__all__ = ["LOVValueType"]
