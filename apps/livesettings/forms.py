"""One-field forms for a live setting's value (site-wide in the console, or a tenant's override)."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
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
        maximum: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, files, prefix=preference.setting.lower(), **kwargs)
        self.preference = preference
        # The inline-edit kit renders it: Bootstrap's classes, the switch, `is-invalid` and the error.
        field = preference.formfield(label=preference.get_verbose_name(), initial=initial_value)
        bounds = getattr(field, "bounds_display", None)
        if maximum is not None and bounds is not None:
            # An owner's override may not exceed the site's value: say that maximum in the field's units. The
            # refusal itself stays the preference's own ("May not be more than the site's value, 1 hour"), the
            # same through the API.
            low = getattr(field, "min_value", None)
            high = maximum if field.max_value is None else min(field.max_value, maximum)
            shown = type(field)(min_value=low, max_value=high).bounds_display()
            field.help_text = f"{shown[0].upper()}{shown[1:]} (the site's value)."
        self.fields["value"] = field

    def clean_value(self) -> Any:
        value = self.cleaned_data.get("value")
        if value is None:
            raise forms.ValidationError("Enter a value.", code="required")
        return value


class ScheduleForm(GuardedTextForm, forms.Form):
    """Schedule a live setting's change: which, to what (or back to settings.py), when (the site's time zone)."""

    setting = forms.ChoiceField(label="Setting")
    value = forms.CharField(
        label="New value",
        required=False,
        help_text="On/off, text, or a duration such as 2 hours, 30 minutes or PT2H.",
    )
    reset = forms.BooleanField(label="Back to the settings.py value instead", required=False)
    run_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, data: Mapping[str, Any] | None = None, *, settings: list[Any], **kwargs: Any) -> None:
        super().__init__(data, prefix="schedule", **kwargs)
        field = self.fields["setting"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.setting, f"{p.get_verbose_name()} ({p.setting})") for p in settings]
        self.fields["run_at"].help_text = f"In {timezone.get_current_timezone_name()}."


class CustomSettingForm(GuardedTextForm, forms.Form):
    """Create a custom setting (or, for a custom setting's name, change its value and description)."""

    name = forms.CharField(
        label="Name", max_length=100, help_text="UPPER_SNAKE_CASE, as code reads it: settings.PARTNER_API_URL."
    )
    value_type = forms.ChoiceField(label="Type")
    value = forms.CharField(
        label="Value",
        required=False,
        help_text="Text as is; numbers; on/off; durations as 1:30:00; JSON as JSON.",
    )
    help_text = forms.CharField(label="What it does", required=False, max_length=500)
    overridable = forms.BooleanField(label="Tenant owners may set their own value", required=False)
    secret = forms.BooleanField(label="Secret (settable, never shown)", required=False)

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, types: Mapping[str, tuple[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(data, prefix="custom", **kwargs)
        field = self.fields["value_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, label) for key, (label, _base) in types.items()]
