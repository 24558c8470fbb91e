"""Durations in human units: one form field and widget (number + unit), text, and ISO 8601, all in seconds.

`DurationField` (widget `DurationWidget`: a number and a unit select of seconds, minutes, hours, days) cleans to
whole seconds and says its bounds and errors in the same units ("between 1 minute and 30 days"). Besides the
widget's pair it accepts what code and the API send: a number of seconds (7200, "7200"), ISO 8601 ("PT2H",
Django's `parse_duration`), "2 hours", or a timedelta. `humanize(7200)` is "2 hours"; `iso8601(7200)` "PT2H".
"""

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_duration

SECONDS, MINUTES, HOURS, DAYS = "seconds", "minutes", "hours", "days"
UNITS: dict[str, int] = {SECONDS: 1, MINUTES: 60, HOURS: 3600, DAYS: 86400}
_SINGULAR = {SECONDS: "second", MINUTES: "minute", HOURS: "hour", DAYS: "day"}
# "2 hours", "90 min", "1.5 days", "30s": a number and a unit (any of its usual spellings).
_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$", re.IGNORECASE)
_ALIASES = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), SECONDS),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), MINUTES),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), HOURS),
    **dict.fromkeys(("d", "day", "days"), DAYS),
}


def humanize(seconds: int) -> str:
    """Return "2 hours 30 minutes" for 9000, "45 seconds" for 45 (the two largest parts)."""
    parts = []
    rest = int(seconds)
    for unit in (DAYS, HOURS, MINUTES, SECONDS):
        count, rest = divmod(rest, UNITS[unit])
        if count:
            parts.append(f"{count} {_SINGULAR[unit] if count == 1 else unit}")
    return " ".join(parts[:2]) or "0 seconds"


def iso8601(seconds: int) -> str:
    """Return ISO 8601 for a number of seconds: "PT2H" for 7200, "P1DT30M" for 88200, "PT0S" for 0."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    time = "".join(f"{n}{letter}" for n, letter in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    text = "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")
    return text if text != "P" else "PT0S"


def split(seconds: int) -> tuple[int, str]:
    """Return (number, unit) in the largest unit that shows `seconds` exactly: 7200 → (2, "hours")."""
    for unit in (DAYS, HOURS, MINUTES):
        if seconds and seconds % UNITS[unit] == 0:
            return seconds // UNITS[unit], unit
    return seconds, SECONDS


def parse(value: Any) -> int:
    """Return whole seconds for a duration as code, a form or the API gives it; ValueError when it is none."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a duration")
    if isinstance(value, datetime.timedelta):
        return _whole(Decimal(str(value.total_seconds())))
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        return _whole(Decimal(str(value)))
    if isinstance(value, dict) and "seconds" in value:  # what the API answers, sent back as is
        return parse(value["seconds"])
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        match = _TEXT.match(text)
        if match and match.group(2).lower() in _ALIASES:
            return _whole(Decimal(match.group(1)) * UNITS[_ALIASES[match.group(2).lower()]])
        parsed = parse_duration(text)  # ISO 8601 ("PT2H", "P1DT2H") and Django's "1 02:00:00"
        if parsed is not None:
            return _whole(Decimal(str(parsed.total_seconds())))
    raise ValueError(f"{value!r} is not a duration")


def _whole(seconds: Decimal) -> int:
    if seconds != seconds.to_integral_value():
        raise ValueError("durations are whole seconds")
    return int(seconds)


class DurationWidget(forms.MultiWidget):
    """A number and a unit (seconds, minutes, hours, days); posts `<name>` and `<name>_unit`."""

    template_name = "core/duration_widget.html"
    unit_label = "Unit"  # the unit select's accessible name; the field sets "<its label> (unit)"

    def __init__(self, attrs: dict[str, Any] | None = None, units: Sequence[str] = (SECONDS, MINUTES, HOURS, DAYS)):
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "": forms.NumberInput(attrs={"min": "0", "step": "1", "inputmode": "numeric"}),
            "unit": forms.Select(choices=[(unit, unit) for unit in units]),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if value in (None, ""):
            return [None, HOURS]
        try:
            return list(split(parse(value)))
        except ValueError:
            return [value, SECONDS]

    def id_for_label(self, id_: str) -> str:
        # The label names the number; the unit select has its own accessible name.
        return f"{id_}_0" if id_ else ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        number, unit = context["widget"]["subwidgets"]
        # The inline kit's classes are for text inputs; the unit is a select, and says what it is.
        classes = [c for c in str(unit["attrs"].get("class", "")).split() if c != "form-control"]
        unit["attrs"]["class"] = " ".join(dict.fromkeys([*classes, "form-select", "duration-unit"]))
        unit["attrs"]["aria-label"] = self.unit_label
        unit["attrs"].pop("aria-describedby", None)
        number["attrs"]["class"] = " ".join(
            dict.fromkeys([*str(number["attrs"].get("class", "")).split(), "duration-number"])
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        number, unit = super().value_from_datadict(data, files, name)
        if unit is None:  # only the number was posted (an API or a hand-made form): it is seconds
            return number
        return [number, unit]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_unit" not in data


class DurationField(forms.Field):
    """A duration in whole seconds, entered as a number and a unit; bounds and errors in human units."""

    widget = DurationWidget
    default_error_messages = {
        "invalid": "Enter a duration: a number and a unit, such as 2 hours.",
        "bounds": "Enter a duration between %(min)s and %(max)s.",
        "min_value": "Enter a duration of at least %(min)s.",
        "max_value": "Enter a duration of at most %(max)s.",
    }

    def __init__(self, *, min_value: int | None = None, max_value: int | None = None, **kwargs: Any) -> None:
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)
        if isinstance(self.widget, DurationWidget):
            self.widget.unit_label = f"{self.label} (unit)" if self.label else "Unit"

    def bounds_display(self) -> str:
        """Return "between 1 minute and 30 days" (or "at least …" / "at most …"; "" when unbounded)."""
        low, high = self.min_value, self.max_value
        if low is not None and high is not None:
            return f"between {humanize(low)} and {humanize(high)}"
        if low is not None:
            return f"at least {humanize(low)}"
        return f"at most {humanize(high)}" if high is not None else ""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, list | tuple):
            number, unit = [*value, None, None][:2]
            if number in self.empty_values:
                return None
            if unit not in UNITS:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            try:
                return _whole(Decimal(str(number).strip()) * UNITS[unit])
            except (InvalidOperation, ValueError):
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if value in self.empty_values:
            return None
        try:
            return parse(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        low, high = self.min_value, self.max_value
        if (low is not None and value < low) or (high is not None and value > high) or value < 0:
            params = {"min": humanize(low or 0), "max": humanize(high or 0)}
            if low is not None and high is not None:
                raise ValidationError(self.error_messages["bounds"], code="bounds", params=params)
            if low is not None or value < 0:
                raise ValidationError(self.error_messages["min_value"], code="min_value", params=params)
            raise ValidationError(self.error_messages["max_value"], code="max_value", params=params)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != (None if initial in self.empty_values else parse(initial))
        except (ValidationError, ValueError):
            return True


class TimedeltaDurationField(DurationField):
    """The same field for a value kept as a timedelta (`DurationPreference`)."""

    def clean(self, value: Any) -> datetime.timedelta | None:
        seconds = super().clean(value)
        return None if seconds is None else datetime.timedelta(seconds=seconds)
