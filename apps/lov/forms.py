"""Forms for lists of values: a tenant's custom value, a tenant's selection, and a choice field for records."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from apps.core.inputs import GuardedTextForm
from apps.lov.models import AbstractLOVSelection, AbstractLOVValue, lov_name_normalise
from apps.lov.services import lov_selections_sync
from apps.lov.types import LOVValueType


class LOVValueCreateFormMixin:
    """Mix into a ModelForm of a concrete value model to create a custom value of one tenant.

    `Meta.fields` is `["name"]`, or `["name", "lov_tenant", "value_type"]` as in the documented example: the
    tenant and type fields are then shown fixed (disabled) to the given tenant and "custom", whatever is
    posted. Build it as `Form(request.POST or None, lov_tenant=tenant)`; the value is created through the
    manager's `create_for_tenant`, so its hooks run and the name rules apply (errors land on the name field).
    """

    # Provided by the ModelForm this is mixed into.
    instance: AbstractLOVValue
    cleaned_data: dict[str, Any]
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, lov_tenant: Any, **kwargs: Any) -> None:
        self.lov_tenant = lov_tenant
        fixed = {"lov_tenant": getattr(lov_tenant, "pk", lov_tenant), "value_type": LOVValueType.CUSTOM}
        kwargs["initial"] = {**(kwargs.get("initial") or {}), **fixed}
        super().__init__(*args, **kwargs)
        instance = self.instance
        instance.lov_tenant = lov_tenant
        instance.value_type = LOVValueType.CUSTOM
        for name in fixed:
            if name in self.fields:
                # A disabled field ignores the POST, so nobody creates a value for another tenant or type.
                self.fields[name].disabled = True
        tenant_field = self.fields.get("lov_tenant")
        if isinstance(tenant_field, forms.ModelChoiceField):
            tenant_field.queryset = tenant_field.queryset.filter(pk=fixed["lov_tenant"])  # type: ignore[union-attr]

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


def _meta_value_model(form: Any) -> type[AbstractLOVValue] | None:
    """Return the value model named by a form's `Meta.model` (the selection model, or the value model)."""
    model = getattr(getattr(form, "Meta", None), "model", None)
    if isinstance(model, type) and issubclass(model, AbstractLOVSelection):
        return cast(type[AbstractLOVValue], model.lov_value_field().related_model)
    if isinstance(model, type) and issubclass(model, AbstractLOVValue):
        return model
    return None


class LOVSelectionsModelForm(GuardedTextForm, forms.Form):
    """Choose which optional and custom values of one list a tenant offers.

    Name the list in `class Meta: model = <the selection model>` (as documented; the value model, the
    class attribute `lov_value_model` or the argument `lov_value_model=` work too) and give the tenant as
    `lov_tenant=`. The field is `lov_selections`. Choices are the values available to that tenant only, in
    its order and with its labels, so another tenant's value id is a form error. Mandatory values are always
    part of the result, whatever the POST says. save() rewrites this tenant's selection rows only; build
    the form again after saving to show the mandatory values selected.
    """

    lov_value_model: type[AbstractLOVValue] | None = None

    lov_selections: forms.ModelMultipleChoiceField[AbstractLOVValue] = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=_MandatoryLockedCheckboxes, label="Values offered"
    )

    def __init__(
        self, *args: Any, lov_tenant: Any, lov_value_model: type[AbstractLOVValue] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model = lov_value_model or self.lov_value_model or _meta_value_model(self)
        if model is None:
            raise TypeError(
                f"{type(self).__name__} needs its list: `class Meta: model = <selection model>` (or lov_value_model)."
            )
        self.lov_value_model = model
        self.lov_tenant = lov_tenant
        selections = model.lov_selection_model()._default_manager
        field = self.fields["lov_selections"]
        field.label_from_instance = _display  # type: ignore[attr-defined]
        field.queryset = selections.values_for_tenant(lov_tenant)  # type: ignore[attr-defined]
        self.mandatory_ids = frozenset(
            field.queryset.filter(value_type=LOVValueType.MANDATORY).values_list("pk", flat=True)  # type: ignore[attr-defined]
        )
        field.widget.locked = self.mandatory_ids
        if not self.is_bound:
            field.initial = list(selections.selected_values_for_tenant(lov_tenant).values_list("pk", flat=True))

    def clean_lov_selections(self) -> list[AbstractLOVValue]:
        chosen = {value.pk: value for value in self.cleaned_data["lov_selections"]}
        missing = self.mandatory_ids - chosen.keys()
        if missing:
            # A disabled checkbox is never posted; a forged POST may leave them out too.
            chosen.update({value.pk: value for value in self.lov_value_model._default_manager.filter(pk__in=missing)})  # type: ignore[union-attr]
        return list(chosen.values())

    def save(self) -> list[AbstractLOVValue]:
        """Write the tenant's selection and return the values it now offers."""
        values = self.cleaned_data["lov_selections"]
        lov_selections_sync(model=self.lov_value_model, tenant=self.lov_tenant, values=values)  # type: ignore[arg-type]
        return values


def _display(value: Any) -> str:
    return str(getattr(value, "lov_display", value))


class _CachedChoices(forms.models.ModelChoiceIterator):
    """Choices read from the field's own query set, so its rows are fetched once per form (choices, initial)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class LOVChoiceField(forms.ModelChoiceField):
    """A choice of one value for a record, with the tenant's labels; labels a value no longer offered as archived."""

    iterator = _CachedChoices

    def __init__(self, *args: Any, archived: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.archived_pk = getattr(archived, "pk", archived)

    def label_from_instance(self, obj: Any) -> str:
        if obj.pk == self.archived_pk:
            return f"{_display(obj)} (archived)"
        return _display(obj)


def lov_choice_field_for(
    *, model: type[AbstractLOVValue], tenant: Any, current: AbstractLOVValue | None, **kwargs: Any
) -> LOVChoiceField:
    """Return a field offering `tenant`'s selected values in its order, plus `current` (labelled archived) if no
    longer offered.

    Without a current value and with no empty choice (`empty_label=None`), the initial value is the first one
    offered: the list's declared first value (a workflow's start), or the tenant's own first.
    """
    selections = model.lov_selection_model()._default_manager
    queryset = selections.selections_for_tenant(tenant, keep=current)
    first_as_initial = current is None and kwargs.get("empty_label", "") is None and "initial" not in kwargs
    archived = None
    if current is not None and (
        current.is_deleted or not selections.selected_values_for_tenant(tenant).filter(pk=current.pk).exists()
    ):
        archived = current
    field = LOVChoiceField(queryset=queryset, archived=archived, **kwargs)
    if first_as_initial:
        # Read when the form renders, from the rows the choices use: no query of its own.
        field.initial = lambda: next((value.pk for value in field.queryset), None)  # type: ignore[union-attr]
    return field


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
