"""Turn preference values into stored text and back: JSON text, one serializer per value type.

A stored value that no longer decodes (the type changed, a choice was removed, a row was deleted) raises
`SerializationError`; the engine then falls back to the default with a logged warning.
"""

import datetime
import decimal
import json
from typing import Any

from django.core import exceptions
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime, parse_duration, parse_time
from django.utils.duration import duration_iso_string


class SerializationError(ValueError):
    """The stored text cannot be turned back into a value of the preference's type."""


class BaseSerializer:
    """JSON text for values JSON already knows (bool, int, float, str, lists of those)."""

    def serialize(self, value: Any) -> str:
        return json.dumps(value, sort_keys=True)

    def deserialize(self, raw: str) -> Any:
        try:
            return self.from_json(json.loads(raw))
        except (TypeError, ValueError, decimal.InvalidOperation) as exc:
            raise SerializationError(f"{raw!r} does not decode with {type(self).__name__}: {exc}") from exc

    def from_json(self, data: Any) -> Any:
        return data


class BooleanSerializer(BaseSerializer):
    def from_json(self, data: Any) -> bool:
        if not isinstance(data, bool):
            raise TypeError("not a boolean")
        return data


class StringSerializer(BaseSerializer):
    def from_json(self, data: Any) -> str:
        if not isinstance(data, str):
            raise TypeError("not a string")
        return data


class IntegerSerializer(BaseSerializer):
    def from_json(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise TypeError("not an integer")
        return data


class FloatSerializer(BaseSerializer):
    def from_json(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise TypeError("not a number")
        return float(data)


class DecimalSerializer(BaseSerializer):
    # As a string: a JSON number would round-trip through float and lose digits.
    def serialize(self, value: decimal.Decimal) -> str:
        return json.dumps(str(value))

    def from_json(self, data: Any) -> decimal.Decimal:
        if not isinstance(data, str):
            raise TypeError("not a decimal string")
        result = decimal.Decimal(data)
        if not result.is_finite():
            raise ValueError("not a finite decimal")
        return result


class _ParsedSerializer(BaseSerializer):
    parse: Any = None

    def serialize(self, value: Any) -> str:
        return json.dumps(value.isoformat())

    def from_json(self, data: Any) -> Any:
        if not isinstance(data, str):
            raise TypeError("not a string")
        result = type(self).parse(data)
        if result is None:
            raise ValueError("not in ISO format")
        return result


class DateSerializer(_ParsedSerializer):
    parse = staticmethod(parse_date)


class DateTimeSerializer(_ParsedSerializer):
    parse = staticmethod(parse_datetime)


class TimeSerializer(_ParsedSerializer):
    parse = staticmethod(parse_time)


class DurationSerializer(_ParsedSerializer):
    parse = staticmethod(parse_duration)

    def serialize(self, value: datetime.timedelta) -> str:
        return json.dumps(duration_iso_string(value))


class ChoiceSerializer(BaseSerializer):
    """A value that must still be one of the preference's choices when read back."""

    def __init__(self, valid_values: Any) -> None:
        self.valid_values = valid_values  # a callable returning the current set of allowed values

    def from_json(self, data: Any) -> Any:
        if data not in self.valid_values():
            raise ValueError(f"{data!r} is no longer a choice")
        return data


class MultipleChoiceSerializer(ChoiceSerializer):
    def serialize(self, value: Any) -> str:
        return json.dumps(list(value))

    def from_json(self, data: Any) -> list[Any]:
        if not isinstance(data, list):
            raise TypeError("not a list")
        allowed = self.valid_values()
        missing = [item for item in data if item not in allowed]
        if missing:
            raise ValueError(f"{missing!r} are no longer choices")
        return data


class ModelSerializer(BaseSerializer):
    """A model row stored by primary key; a deleted row no longer decodes.

    Keys JSON knows (integers, text) are stored as they are, others (UUIDs) as text; stored keys are read
    back through the primary key field's `to_python`, so they compare with the rows' keys.
    """

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset  # a callable returning the queryset rows are taken from

    def _pk_field(self) -> Any:
        return self.queryset().model._meta.pk

    def encode_pk(self, pk: Any) -> Any:
        """Return a primary key as JSON holds it."""
        value = self._pk_field().get_prep_value(pk)
        return value if isinstance(value, int | str) and not isinstance(value, bool) else str(value)

    def decode_pk(self, data: Any) -> Any:
        """Return a stored key as the primary key field's type (raise ValueError when it is not one)."""
        if isinstance(data, bool) or not isinstance(data, int | str):
            raise TypeError("not a primary key")
        try:
            return self._pk_field().to_python(data)
        except exceptions.ValidationError as exc:
            raise ValueError(f"{data!r} is not a key of {self.queryset().model.__name__}") from exc

    def serialize(self, value: models.Model | None) -> str:
        return json.dumps(None if value is None else self.encode_pk(value.pk))

    def from_json(self, data: Any) -> models.Model | None:
        if data is None:
            return None
        row = self.queryset().filter(pk=self.decode_pk(data)).first()
        if row is None:
            raise ValueError(f"row {data!r} no longer exists")
        return row


class ModelMultipleSerializer(ModelSerializer):
    def serialize(self, value: Any) -> str:
        return json.dumps(sorted(self.encode_pk(row.pk) for row in value))

    # Shares ModelSerializer's queryset handling; decodes a list of rows instead of one row.
    def from_json(self, data: Any) -> list[models.Model]:  # type: ignore[override]
        if not isinstance(data, list):
            raise TypeError("not a list")
        keys = [self.decode_pk(item) for item in data]
        rows = {row.pk: row for row in self.queryset().filter(pk__in=keys)}
        missing = [pk for pk in keys if pk not in rows]
        if missing:
            raise ValueError(f"rows {missing!r} no longer exist")
        return [rows[pk] for pk in keys]
