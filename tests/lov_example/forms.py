"""The example's forms, written as documented."""

from typing import Any

from django import forms

from apps.lov.forms import LOVSelectionsModelForm, LOVValueCreateFormMixin
from tests.lov_example.models import TenantCropLOVSelection, TenantCropLOVValue
from tests.lov_example_records.models import UserCrop


class TenantCropValueCreateForm(LOVValueCreateFormMixin, forms.ModelForm):
    class Meta:
        model = TenantCropLOVValue
        fields = ["name", "lov_tenant", "value_type"]


class TenantCropValueSelectionForm(LOVSelectionsModelForm):
    class Meta:
        model = TenantCropLOVSelection

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lov_selections"].widget.attrs["size"] = "10"


class UserCropSelectionForm(forms.ModelForm):
    class Meta:
        model = UserCrop
        fields = ["crops"]

    def __init__(self, *args: Any, lov_tenant: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["crops"].queryset = TenantCropLOVSelection.objects.selections_for_tenant(lov_tenant)
