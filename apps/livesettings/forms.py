"""One-field forms for a live setting's value (site-wide in the console, or a tenant's override)."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict

from apps.core.inputs import GuardedTextForm


class LiveSettingForm(GuardedTextForm, forms.Form):
    """Edit one live setting; the field is the preference's own (type, bounds, help text, validate())."""

    def __init__(
        self,
        preference: Any,
        data: Mapping[str, Any] | None = None,
        files: MultiValueDict[str, UploadedFile] | None = None,
        *,
        initial_value: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, files, prefix=preference.setting.lower(), **kwargs)
        self.preference = preference
        # The inline-edit kit renders it: Bootstrap's classes, the switch, `is-invalid` and the error.
        self.fields["value"] = preference.formfield(label=preference.get_verbose_name(), initial=initial_value)

    def clean_value(self) -> Any:
        value = self.cleaned_data.get("value")
        if value is None:
            raise forms.ValidationError("Enter a value.", code="required")
        return value
