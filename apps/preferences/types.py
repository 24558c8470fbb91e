"""Preference types: declare a preference by subclassing one and registering it in a registry.

Every declared attribute (`default`, `verbose_name`, `help_text`, `field_class`, `field_kwargs`, `widget`,
`choices`, `queryset`…) may instead be computed by a `get_<attr>()` method; the engine always calls the
getter. `validate(value)` raises ValidationError for values the type accepts but the preference does not.
"""

import copy
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from apps.core.durations import DurationField, TimedeltaDurationField, humanize, iso8601
from apps.core.inputs import guard_text_field
from apps.preferences import serializers

_UNSET: Any = object()


@dataclass(frozen=True)
class StoredValue:
    """What a stored JSON text means for one preference: the value in effect, and whether the text decoded."""

    value: Any  # the decoded value, or the default when nothing is stored or the text no longer decodes
    is_stored: bool  # some text is stored (False: the default applies)
    decodes: bool  # the stored text decodes (also True when nothing is stored)
    error: str = ""  # why the stored text does not decode


class Section:
    """A named group of preferences, shown as one tab."""

    def __init__(self, name: str, verbose_name: str | None = None, help_text: str = "", *, listed: bool = True) -> None:
        self.name = name
        self.verbose_name = verbose_name or name.replace("_", " ").capitalize()
        self.help_text = help_text
        # False for a section that a page of its own manages: the generic preference pages leave it out.
        self.listed = listed

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"Section({self.name!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Section) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


class BasePreferenceType:
    """One typed preference. Subclasses set `field_class` and `serializer` for a value type."""

    section: ClassVar[Section | str | None] = None
    name: ClassVar[str]
    default: ClassVar[Any] = _UNSET
    verbose_name: ClassVar[str | None] = None
    help_text: ClassVar[str] = ""
    field_class: ClassVar[type[forms.Field]] = forms.CharField
    field_kwargs: ClassVar[dict[str, Any]] = {}
    widget: ClassVar[Any] = None
    # A permission ("app_label.codename") needed to change this preference, on top of the scope's rule.
    permission: ClassVar[str | None] = None
    json_type: ClassVar[str] = "string"
    # Values of mutable types are copied on every read, so a caller cannot change the cached one.
    mutable: ClassVar[bool] = False
    # Whether None is a value (an empty model choice); for other types an empty value is refused.
    nullable: ClassVar[bool] = False
    # Where the value has a visible effect: URL names of pages that render differently for two values (the
    # theme: any page). tests/catalog/test_consumers.py renders each with two values and fails for a
    # registered preference that names none, or whose pages look the same: a setting without an effect.
    consumers: ClassVar[tuple[str, ...]] = ()

    # --- getters: override these to compute an attribute --------------------------------------------
    def get_default(self) -> Any:
        return self.default

    def default_is_computed(self) -> bool:
        """Return whether the default is computed when read (`get_default` overridden), so it may move.

        Choosing a value equal to such a default stores it: the choice then stays when the default moves.
        """
        return type(self).get_default is not BasePreferenceType.get_default

    def get_verbose_name(self) -> str:
        return self.verbose_name or self.name.replace("_", " ").capitalize()

    def get_help_text(self) -> str:
        return self.help_text

    def get_field_class(self) -> type[forms.Field]:
        return self.field_class

    def get_field_kwargs(self) -> dict[str, Any]:
        return dict(self.field_kwargs)

    def get_widget(self) -> Any:
        return self.widget

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.StringSerializer()

    def validate(self, value: Any) -> None:
        """Raise ValidationError if `value` is not acceptable for this preference."""

    # --- derived (cached: read on every preference lookup) -------------------------------------------
    @cached_property
    def section_name(self) -> str:
        return str(self.section) if self.section else ""

    @cached_property
    def identifier(self) -> str:
        """Return the key, `section__name` (or `name` for a preference without a section)."""
        return f"{self.section_name}__{self.name}" if self.section_name else self.name

    def formfield(self, **overrides: Any) -> forms.Field:
        """Return a form field for this preference, with its label, help text and validate()."""
        kwargs: dict[str, Any] = {
            "label": self.get_verbose_name(),
            "help_text": self.get_help_text(),
            "initial": self.get_default(),
            "required": False,
        }
        kwargs.update(self.get_field_kwargs())
        widget = self.get_widget()
        if widget is not None:
            kwargs["widget"] = widget
        kwargs.update(overrides)
        field = self.get_field_class()(**kwargs)
        field.validators.append(self.validate)
        # Free text refuses control characters (apps.core.inputs), on the page and through the API alike.
        guard_text_field(field)
        return field

    def clean(self, value: Any) -> Any:
        """Return `value` converted to this preference's type, or raise ValidationError."""
        cleaned = self.formfield().clean(value)
        if cleaned is None and not self.nullable:
            raise ValidationError("Enter a value.", code="required")
        return cleaned

    def stored_value(self, raw: str | None) -> StoredValue:
        """Decode stored text (None: nothing stored), else fall back to the default: the one place that decodes."""
        if raw is None:
            return StoredValue(self.get_default(), is_stored=False, decodes=True)
        try:
            return StoredValue(self.get_serializer().deserialize(raw), is_stored=True, decodes=True)
        except ValueError as exc:  # SerializationError, or a custom serializer's own ValueError
            return StoredValue(self.get_default(), is_stored=True, decodes=False, error=str(exc))

    def copy_value(self, value: Any) -> Any:
        return copy.deepcopy(value) if self.mutable else value

    def json_schema(self) -> dict[str, Any]:
        """Return this preference as a JSON Schema property (type, default, bounds, choices, help)."""
        schema: dict[str, Any] = {"type": self.json_type, "title": str(self.get_verbose_name())}
        help_text = str(self.get_help_text())
        if help_text:
            schema["description"] = help_text
        default = self.get_default()
        schema["default"] = _json_default(self, default)
        kwargs = self.get_field_kwargs()
        for bound, key in (("min_value", "minimum"), ("max_value", "maximum")):
            if kwargs.get(bound) is not None:
                schema[key] = kwargs[bound]
        if kwargs.get("max_length") is not None:
            schema["maxLength"] = kwargs["max_length"]
        return schema

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.identifier}>"


def _json_default(preference: BasePreferenceType, default: Any) -> Any:
    return json.loads(preference.get_serializer().serialize(default))


class BooleanPreference(BasePreferenceType):
    field_class = forms.BooleanField
    json_type = "boolean"

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.BooleanSerializer()

    def clean(self, value: Any) -> bool:
        # BooleanField reads missing as False; a non-boolean given to the engine is a mistake to report.
        if not isinstance(value, bool):
            raise ValidationError("Enter true or false.", code="invalid")
        self.validate(value)
        return value


class StringPreference(BasePreferenceType):
    field_class = forms.CharField
    field_kwargs = {"max_length": 255}

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.StringSerializer()

    def clean(self, value: Any) -> Any:
        # CharField would turn 42 or [1] into text; from code or an API that is a mistake, not a string.
        if value is not None and not isinstance(value, str):
            raise ValidationError("Enter text.", code="invalid")
        return super().clean(value)


class LongStringPreference(StringPreference):
    field_kwargs = {"max_length": 10_000}
    widget = forms.Textarea(attrs={"rows": 4})


class IntegerPreference(BasePreferenceType):
    field_class = forms.IntegerField
    json_type = "integer"

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.IntegerSerializer()

    def clean(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValidationError("Enter a whole number.", code="invalid")
        return super().clean(value)


IntPreference = IntegerPreference


class SecondsPreference(IntegerPreference):
    """A duration kept as whole seconds (an integer, as stored and as the API always answered it).

    Entered as a number and a unit (`apps.core.durations.DurationWidget`), with bounds (`min_value`,
    `max_value` in seconds) and errors in human units; `clean` also takes "PT2H", "2 hours" or "7200".
    """

    field_class = DurationField  # type: ignore[assignment]  # a Field, not an IntegerField: number and unit
    unit: ClassVar[str] = "seconds"

    def clean(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValidationError("Enter a duration: a number and a unit, such as 2 hours.", code="invalid")
        return super(IntegerPreference, self).clean(value)

    def display(self, value: Any) -> str:
        return humanize(value) if isinstance(value, int) else str(value)

    def json_schema(self) -> dict[str, Any]:
        schema = super().json_schema()
        schema["description"] = (
            schema.get("description", "") + " (seconds; ISO 8601 such as PT2H is accepted)"
        ).strip()
        if isinstance(schema.get("default"), int):
            schema["examples"] = [schema["default"], iso8601(schema["default"])]
        return schema


class DecimalPreference(BasePreferenceType):
    field_class = forms.DecimalField
    json_type = "string"

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.DecimalSerializer()

    def json_schema(self) -> dict[str, Any]:
        return {**super().json_schema(), "format": "decimal"}


class FloatPreference(BasePreferenceType):
    field_class = forms.FloatField
    json_type = "number"

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.FloatSerializer()

    def clean(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValidationError("Enter a number.", code="invalid")
        return super().clean(value)


class DatePreference(BasePreferenceType):
    field_class = forms.DateField
    widget = forms.DateInput(attrs={"type": "date"})

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.DateSerializer()

    def json_schema(self) -> dict[str, Any]:
        return {**super().json_schema(), "format": "date"}


class DateTimePreference(BasePreferenceType):
    field_class = forms.DateTimeField
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.DateTimeSerializer()

    def json_schema(self) -> dict[str, Any]:
        return {**super().json_schema(), "format": "date-time"}


class TimePreference(BasePreferenceType):
    field_class = forms.TimeField
    widget = forms.TimeInput(attrs={"type": "time"})

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.TimeSerializer()

    def json_schema(self) -> dict[str, Any]:
        return {**super().json_schema(), "format": "time"}


class DurationPreference(BasePreferenceType):
    """A duration kept as a timedelta, entered as a number and a unit (apps.core.durations)."""

    field_class = TimedeltaDurationField

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.DurationSerializer()

    def json_schema(self) -> dict[str, Any]:
        return {**super().json_schema(), "format": "duration"}


class ChoicePreference(BasePreferenceType):
    """One value out of `choices`, a list of (value, label) pairs."""

    choices: ClassVar[Any] = ()
    field_class = forms.ChoiceField

    def get_choices(self) -> list[tuple[Any, str]]:
        return list(self.choices)

    def get_field_kwargs(self) -> dict[str, Any]:
        return {"choices": self.get_choices(), **super().get_field_kwargs()}

    def valid_values(self) -> set[Any]:
        return {value for value, _ in self.get_choices()}

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.ChoiceSerializer(self.valid_values)

    def clean(self, value: Any) -> Any:
        # ChoiceField answers strings; keep the declared value (an int choice stays an int).
        cleaned = super().clean(value)
        # The form field is optional (a form may leave a preference out), so it lets "" through; stored, it
        # would read as a value no choice matches. Going back to the default is a reset, not an empty value.
        if cleaned in forms.Field.empty_values and cleaned not in self.valid_values():
            raise ValidationError("Choose one of the options.", code="required")
        by_text = {str(v): v for v in self.valid_values()}
        return by_text.get(str(cleaned), cleaned)

    def json_schema(self) -> dict[str, Any]:
        return {**super().json_schema(), "enum": [value for value, _ in self.get_choices()]}


class MultipleChoicePreference(ChoicePreference):
    field_class = forms.MultipleChoiceField
    json_type = "array"
    mutable = True

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.MultipleChoiceSerializer(self.valid_values)

    def clean(self, value: Any) -> list[Any]:
        field = self.formfield()
        cleaned = field.clean(list(value) if value is not None else [])
        by_text = {str(v): v for v in self.valid_values()}
        return [by_text.get(str(item), item) for item in cleaned]

    def json_schema(self) -> dict[str, Any]:
        schema = BasePreferenceType.json_schema(self)
        schema["items"] = {"enum": [value for value, _ in self.get_choices()]}
        return schema


class ModelChoicePreference(BasePreferenceType):
    """A row of `model` (or of `queryset`); stored by primary key, read back as the instance."""

    model: ClassVar[type[models.Model] | None] = None
    queryset: ClassVar[Any] = None
    field_class = forms.ModelChoiceField
    default = None
    json_type = "integer"
    nullable = True

    def get_queryset(self) -> models.QuerySet[Any]:
        if self.queryset is not None:
            return self.queryset.all()
        assert self.model is not None, f"{type(self).__name__} needs a model or a queryset"
        return self.model._default_manager.all()

    def get_field_kwargs(self) -> dict[str, Any]:
        return {"queryset": self.get_queryset(), **super().get_field_kwargs()}

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.ModelSerializer(self.get_queryset)

    def json_schema(self) -> dict[str, Any]:
        schema = BasePreferenceType.json_schema(self)
        schema["type"] = ["integer", "string", "null"]
        schema["description"] = (schema.get("description", "") + " (primary key of a row)").strip()
        return schema


class ModelMultipleChoicePreference(ModelChoicePreference):
    field_class = forms.ModelMultipleChoiceField
    default: ClassVar[Any] = ()
    json_type = "array"
    mutable = True

    def get_serializer(self) -> serializers.BaseSerializer:
        return serializers.ModelMultipleSerializer(self.get_queryset)

    def clean(self, value: Any) -> list[Any]:
        return list(super().clean(value))

    def json_schema(self) -> dict[str, Any]:
        schema = BasePreferenceType.json_schema(self)
        schema["type"] = "array"
        schema["items"] = {"type": ["integer", "string"]}
        return schema
