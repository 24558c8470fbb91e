"""Forms for lists of values: a tenant's custom value, a tenant's selection, and a choice field for records."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from apps.core.inputs import GuardedTextForm
from apps.lov.models import AbstractLOVValue, lov_name_normalise
from apps.lov.services import lov_selections_sync
from apps.lov.types import LOVValueType


class LOVValueCreateFormMixin:
    """Mix into a ModelForm of a concrete value model (fields = ["name"]) to create a custom value.

    Pass the owning tenant as `lov_tenant=`; the value is created through the manager's
    `create_for_tenant`, so its hooks run and the name rules apply (errors land on the name field).
    """

    # Provided by the ModelForm this is mixed into.
    instance: AbstractLOVValue
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, lov_tenant: Any, **kwargs: Any) -> None:
        self.lov_tenant = lov_tenant
        super().__init__(*args, **kwargs)
        instance = self.instance
        instance.lov_tenant = lov_tenant
        instance.value_type = LOVValueType.CUSTOM

    def clean_name(self) -> str:
        return lov_name_normalise(self.cleaned_data.get("name"))

    def validate_unique(self) -> None:
        # The model's clean() gives the readable duplicate error; the partial unique constraints stay the
        # database's backstop (Django cannot check them against a form that leaves out lov_tenant).
        return

    def save(self, commit: bool = True) -> AbstractLOVValue:
        if not commit:
            return self.instance
        model = type(self.instance)
        self.instance = model.objects.create_for_tenant(self.lov_tenant, self.cleaned_data["name"])
        return self.instance


class _MandatoryLockedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes where the mandatory values are shown ticked and disabled."""

    locked: frozenset[Any] = frozenset()

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if getattr(value, "value", value) in self.locked:
            option["attrs"]["disabled"] = True
            option["attrs"]["checked"] = True
        return option


class LOVSelectionsModelForm(GuardedTextForm, forms.Form):
    """Choose which optional and custom values of one list a tenant offers.

    Give the list as the class attribute `lov_value_model` (or `lov_value_model=`) and the tenant as
    `lov_tenant=`. Choices are the values available to that tenant only, so another tenant's value id is
    a form error. Mandatory values are always part of the result, whatever the POST says. save() rewrites
    this tenant's selection rows only.
    """

    lov_value_model: type[AbstractLOVValue] | None = None

    values: forms.ModelMultipleChoiceField[AbstractLOVValue] = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=_MandatoryLockedCheckboxes, label="Values offered"
    )

    def __init__(
        self, *args: Any, lov_tenant: Any, lov_value_model: type[AbstractLOVValue] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model = lov_value_model or self.lov_value_model
        if model is None:
            raise TypeError("LOVSelectionsModelForm needs lov_value_model (class attribute or argument).")
        self.lov_value_model = model
        self.lov_tenant = lov_tenant
        selections = model.lov_selection_model()._default_manager
        field = self.fields["values"]
        field.queryset = selections.values_for_tenant(lov_tenant)  # type: ignore[attr-defined]
        self.mandatory_ids = frozenset(
            field.queryset.filter(value_type=LOVValueType.MANDATORY).values_list("pk", flat=True)  # type: ignore[attr-defined]
        )
        field.widget.locked = self.mandatory_ids
        if not self.is_bound:
            field.initial = list(selections.selected_values_for_tenant(lov_tenant).values_list("pk", flat=True))

    def clean_values(self) -> list[AbstractLOVValue]:
        chosen = {value.pk: value for value in self.cleaned_data["values"]}
        missing = self.mandatory_ids - chosen.keys()
        if missing:
            # A disabled checkbox is never posted; a forged POST may leave them out too.
            chosen.update({value.pk: value for value in self.lov_value_model._default_manager.filter(pk__in=missing)})  # type: ignore[union-attr]
        return list(chosen.values())

    def save(self) -> list[AbstractLOVValue]:
        """Write the tenant's selection and return the values it now offers."""
        values = self.cleaned_data["values"]
        lov_selections_sync(model=self.lov_value_model, tenant=self.lov_tenant, values=values)  # type: ignore[arg-type]
        return values


class LOVChoiceField(forms.ModelChoiceField):
    """A choice of one value for a record; labels a value no longer offered as archived."""

    def __init__(self, *args: Any, archived: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.archived_pk = getattr(archived, "pk", archived)

    def label_from_instance(self, obj: Any) -> str:
        if obj.pk == self.archived_pk:
            return f"{obj.name} (archived)"
        return str(obj.name)


def lov_choice_field_for(
    *, model: type[AbstractLOVValue], tenant: Any, current: AbstractLOVValue | None, **kwargs: Any
) -> LOVChoiceField:
    """Return a field offering `tenant`'s selected values, plus `current` (labelled archived) if no longer offered."""
    selections = model.lov_selection_model()._default_manager
    queryset = selections.selections_for_tenant(tenant, keep=current)
    archived = None
    if current is not None and (
        current.is_deleted or not selections.selected_values_for_tenant(tenant).filter(pk=current.pk).exists()
    ):
        archived = current
    return LOVChoiceField(queryset=queryset, archived=archived, **kwargs)


class _CustomValueForm(GuardedTextForm, LOVValueCreateFormMixin, forms.ModelForm):
    pass


def lov_custom_value_form_class(model: type[AbstractLOVValue]) -> type[_CustomValueForm]:
    """Return a ModelForm class creating a custom value of `model` (name only)."""
    # modelform_factory returns a subclass of `form`; its stub only promises a ModelForm.
    form_class = forms.modelform_factory(model, form=_CustomValueForm, fields=["name"], labels={"name": "New value"})
    return cast(type[_CustomValueForm], form_class)


def _row_prefix(value: AbstractLOVValue | None) -> str | None:
    """Return the prefix of a row's form fields, so every row's controls have their own names and ids."""
    return f"value-{value.pk}" if value is not None else None


class LOVRenameForm(GuardedTextForm, forms.Form):
    """A custom value's new name; with `value=`, the field is named and labelled for that value's row."""

    name = forms.CharField(max_length=100, label="Name")

    def __init__(self, *args: Any, value: AbstractLOVValue | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", _row_prefix(value))
        super().__init__(*args, **kwargs)
        if value is not None:
            self.fields["name"].label = f"Name of “{value.name}”"

    def clean_name(self) -> str:
        return lov_name_normalise(self.cleaned_data["name"])


class LOVSelectForm(GuardedTextForm, forms.Form):
    """Whether the tenant offers one value, as its row's switch."""

    selected = forms.BooleanField(required=False)

    def __init__(self, *args: Any, value: AbstractLOVValue, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", _row_prefix(value))
        super().__init__(*args, **kwargs)
        field = self.fields["selected"]
        field.label = f"Offer “{value.name}”"
        if value.is_mandatory:
            field.disabled, field.initial = True, True
