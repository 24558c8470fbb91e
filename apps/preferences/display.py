"""Human-readable text for preference values on the portal's pages (labels of choices, on/off, …)."""

from typing import Any

from apps.preferences.types import BasePreferenceType

EMPTY = "(empty)"


def value_display(preference: BasePreferenceType, value: Any) -> str:
    """Return `value` of `preference` as a person would say it: a choice's label, "on"/"off", a list joined."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None or value == "":
        return EMPTY
    display = getattr(preference, "display", None)
    if display is not None:  # a type that says its values itself (a duration: "2 hours")
        return str(display(value))
    labels = _choice_labels(preference)
    if isinstance(value, list | tuple | set):
        items = [labels.get(str(item), str(item)) for item in value]
        return ", ".join(items) if items else EMPTY
    return labels.get(str(value), str(value))


def raw_display(preference: BasePreferenceType | None, raw: str | None) -> str:
    """Return stored JSON text for display: decoded by the preference's serializer, else the text itself.

    None (nothing stored) reads as "default (…)" with the default in effect.
    """
    if preference is None:
        return "default" if raw is None else raw
    if raw is None:
        default = value_display(preference, preference.get_default())
        return "default (empty)" if default == EMPTY else f"default ({default})"
    stored = preference.stored_value(raw)
    if not stored.decodes:
        return raw  # A value that no longer fits the type (a removed choice…): show what was stored.
    return value_display(preference, stored.value)


def _choice_labels(preference: BasePreferenceType) -> dict[str, str]:
    get_choices = getattr(preference, "get_choices", None)
    if get_choices is None:
        return {}
    return {str(value): str(label) for value, label in get_choices()}
