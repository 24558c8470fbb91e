from apps.lov import LOVValueType
from apps.lov.checks import lov_models_check
from apps.lov.registry import lov_list_get
from tests.lov_example.models import TenantCropLOVSelection, TenantCropLOVValue


def test_update_lovs_gives_every_tenant_the_three_categories_and_offers_the_nine_crops(acme):
    defaults = TenantCropLOVValue.objects.defaults().live()

    mandatory = [v.name for v in defaults.filter(value_type=LOVValueType.MANDATORY)]
    optional = [v.name for v in defaults.filter(value_type=LOVValueType.OPTIONAL)]

    assert mandatory == ["Fruit", "Herbs and Spices", "Vegetable"]  # Meta.ordering = ["name"]
    assert len(optional) == 9 and optional[0] == "Fruit - Apple"
    assert [v.name for v in TenantCropLOVSelection.objects.selected_values_for_tenant(acme)] == mandatory


def test_the_example_is_a_list_like_any_other():
    crops = lov_list_get("crops")

    assert crops is not None and crops.selection_model is TenantCropLOVSelection
    assert (crops.label, crops.label_singular) == ("Crops", "crop")
    assert [(model._meta.label, field) for model, field in crops.usages] == [
        ("lov_example_records.UserCrop_crops", "tenantcroplovvalue")
    ]
    assert lov_models_check() == []
