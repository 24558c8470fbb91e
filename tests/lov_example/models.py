"""The crops list, as documented: mandatory categories every tenant has, optional crops a tenant may add."""

from apps.lov import LOVValueType
from apps.lov.models import AbstractLOVSelection, AbstractLOVValue


class TenantCropLOVValue(AbstractLOVValue):
    lov_tenant_model = "tenants.Tenant"
    lov_selections_model = "lov_example.TenantCropLOVSelection"

    lov_defaults = {
        "Fruit": {"value_type": LOVValueType.MANDATORY},
        "Herbs and Spices": {"value_type": LOVValueType.MANDATORY},
        "Vegetable": {"value_type": LOVValueType.MANDATORY},
        "Fruit - Apple": {"value_type": LOVValueType.OPTIONAL},
        "Fruit - Mellon": {"value_type": LOVValueType.OPTIONAL},
        "Fruit - Stone": {"value_type": LOVValueType.OPTIONAL},
        "Herbs and Spices - Basil": {"value_type": LOVValueType.OPTIONAL},
        "Herbs and Spices - Sage": {"value_type": LOVValueType.OPTIONAL},
        "Herbs and Spices - Thyme": {"value_type": LOVValueType.OPTIONAL},
        "Vegetable - Avocado": {"value_type": LOVValueType.OPTIONAL},
        "Vegetable - Cabbage": {"value_type": LOVValueType.OPTIONAL},
        "Vegetable - Spinach": {"value_type": LOVValueType.OPTIONAL},
    }

    class Meta(AbstractLOVValue.Meta):
        verbose_name = "crop"
        verbose_name_plural = "crops"
        ordering = ["name"]


class TenantCropLOVSelection(AbstractLOVSelection):
    lov_value_model = "lov_example.TenantCropLOVValue"
    lov_tenant_model = "tenants.Tenant"

    class Meta(AbstractLOVSelection.Meta):
        verbose_name = "tenant crop selection"
        verbose_name_plural = "tenant crop selections"
