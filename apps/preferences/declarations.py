"""The declared preferences of one scope: the collection every registry is, without reading or writing values.

Stores, managers and services build on this; `apps.preferences.registries` adds how to reach the values.
"""

import difflib
import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from apps.preferences.types import _UNSET, BasePreferenceType, Section

# Names and sections: letters, digits and single underscores; "__" separates section from name in a key.
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _check_identifier(kind: str, value: str, cls: type) -> None:
    if not _IDENTIFIER.match(value) or "__" in value:
        raise ImproperlyConfigured(
            f"{cls.__module__}.{cls.__qualname__}: the {kind} {value!r} may only contain letters, digits and "
            'single underscores (no spaces, "-" or "__").'
        )


class PreferenceRegistry:
    """An ordered collection of preferences of one scope, keyed `section__name`."""

    scope = ""

    def __init__(self, *, verbose_name: str) -> None:
        self.verbose_name = verbose_name
        self._preferences: dict[str, BasePreferenceType] = {}
        self._sections: dict[str, Section] = {}

    # --- declaring ---------------------------------------------------------------------------------
    def register(self, preference_class: type[BasePreferenceType]) -> type[BasePreferenceType]:
        """Register a preference class (usable as a decorator); refuse bad names and duplicates."""
        name = getattr(preference_class, "name", None)
        if not name:
            raise ImproperlyConfigured(f"{preference_class.__module__}.{preference_class.__qualname__} has no name.")
        _check_identifier("name", name, preference_class)
        section = preference_class.section
        if section is not None:
            _check_identifier("section", str(section), preference_class)
        preference = preference_class()
        has_getter = type(preference).get_default is not BasePreferenceType.get_default
        if preference_class.default is _UNSET and not has_getter:
            raise ImproperlyConfigured(
                f"{preference_class.__module__}.{preference_class.__qualname__} ({preference.identifier}) has no "
                "default: give it `default` or `get_default()`."
            )
        existing = self._preferences.get(preference.identifier)
        if existing is not None and type(existing) is not preference_class:
            first = type(existing)
            raise ImproperlyConfigured(
                f"Two preferences are registered as {preference.identifier!r} in the {self.verbose_name}: "
                f"{first.__module__}.{first.__qualname__} and "
                f"{preference_class.__module__}.{preference_class.__qualname__}."
            )
        self._preferences[preference.identifier] = preference
        if section is not None:
            section_obj = section if isinstance(section, Section) else Section(str(section))
            self._sections.setdefault(section_obj.name, section_obj)
        return preference_class

    def unregister(self, key: str) -> None:
        """Remove a preference (for tests that declare temporary ones)."""
        preference = self._preferences.pop(key)
        if not any(p.section_name == preference.section_name for p in self._preferences.values()):
            self._sections.pop(preference.section_name, None)

    # --- looking up --------------------------------------------------------------------------------
    def get(self, key: str | None = None, *, name: str | None = None, section: str | None = None) -> Any:
        """Return the registered preference for `section__name`, or for name= and section=.

        Raise KeyError naming the closest keys when there is no such preference.
        """
        if key is None:
            if name is None:
                raise TypeError("Give a key, or name= (and section=).")
            key = f"{section}__{name}" if section else name
        try:
            return self._preferences[key]
        except KeyError:
            close = difflib.get_close_matches(key, self._preferences, n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"No preference {key!r} in the {self.verbose_name}.{hint}") from None

    def get_by_name(self, name: str) -> Any:
        """Return the preference called `name` in any section (the first declared, if several)."""
        for preference in self._preferences.values():
            if preference.name == name:
                return preference
        return self.get(name)

    def __contains__(self, key: object) -> bool:
        return key in self._preferences

    def __iter__(self) -> Iterator[BasePreferenceType]:
        return iter(self._preferences.values())

    def __len__(self) -> int:
        return len(self._preferences)

    def keys(self) -> list[str]:
        return list(self._preferences)

    def preferences(self, section: str | None = None) -> list[Any]:
        """Return the registered preferences in declaration order, optionally of one section."""
        if section is None:
            return list(self._preferences.values())
        return [p for p in self._preferences.values() if p.section_name == section]

    def sections(self) -> list[Section]:
        """Return the sections in the order their first preference was declared."""
        return list(self._sections.values())

    def json_schema(self) -> dict[str, Any]:
        """Return a JSON Schema (draft 2020-12) of the values this registry accepts, for API clients."""
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": self.verbose_name,
            "type": "object",
            "properties": {key: p.json_schema() for key, p in self._preferences.items()},
            "additionalProperties": False,
        }

    def manager(self, *args: Any, **kwargs: Any) -> Any:
        """Return the manager of these preferences' values (each scope's registry in `registries` says how)."""
        raise NotImplementedError
