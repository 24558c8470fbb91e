"""Form builders: a form class for some or all preferences of a manager, saving through the service.

`global_preference_form_builder(section=None, preferences=None)` and
`user_preference_form_builder(instance, section=None, preferences=None)` return a form class whose fields
use each preference's field class, widget, label, help text and validate(). `preferences` lists keys
("section__name") or (section, name) tuples. With `concurrency=True` each field carries the value the
page was rendered with, and saving a value someone else changed since is refused in place.
"""

from typing import Any

from django import forms

from apps.core.inputs import GuardedTextForm
from apps.preferences.registries import global_preferences_registry
from apps.preferences.services import PreferenceChangeResult, StaleValueError, preferences_set
from apps.preferences.types import BasePreferenceType

SEEN_SUFFIX = "__seen"


class PreferenceForm(GuardedTextForm, forms.Form):
    """A form over preferences of one manager; `save()` writes only the fields that changed."""

    # request.POST (a QueryDict), a dict, or the empty MultiValueDict Django puts for None: all dicts.
    data: dict[str, Any]
    manager: Any = None
    preference_keys: list[str] = []
    concurrency = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in self.preference_keys:
            self.fields[key].initial = self.manager[key]
            if self.concurrency:
                self.fields[key + SEEN_SUFFIX].initial = self.manager.raw(key) or ""

    def preference(self, key: str) -> BasePreferenceType:
        return self.manager.registry.get(key)

    def visible_preference_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in self.preference_keys]

    def changed_preferences(self) -> dict[str, Any]:
        """Return the values to write: the changed fields, and the one field an inline save posts.

        A field saved on its own is an explicit choice: when its default is computed and nothing is stored, it
        is written even if it equals the default, so it stays when the default moves.
        """
        chosen = set(self.changed_data)
        if len(self.preference_keys) == 1:
            (key,) = self.preference_keys
            preference = self.preference(key)
            if self.add_prefix(key) in self.data and preference.default_is_computed() and self.manager.raw(key) is None:
                chosen.add(key)
        return {key: self.cleaned_data[key] for key in self.preference_keys if key in chosen}

    def save(self, *, actor: Any = None, source: str = "form") -> list[PreferenceChangeResult]:
        """Write the changed values as `actor` through the service; on failure add the errors to the form, return []."""
        values = self.changed_preferences()
        if not values:
            return []
        expected = None
        if self.concurrency:
            expected = {key: (self.data.get(self.add_prefix(key + SEEN_SUFFIX)) or None) for key in values}
        try:
            return preferences_set(
                store=self.manager.store(), values=values, actor=actor, source=source, expected_raw=expected
            )
        except StaleValueError as exc:
            self._refuse_stale(exc)
        except forms.ValidationError as exc:
            for key, errors in exc.error_dict.items():
                self.add_error(key if key in self.fields else None, errors)
        return []

    def _refuse_stale(self, exc: StaleValueError) -> None:
        current = exc.current_value
        # Show the value now stored, and accept it as seen, so saving again means "overwrite knowingly".
        self.data = self.data.copy()
        shown = self.fields[exc.key].prepare_value(current)
        if isinstance(shown, list | tuple) and hasattr(self.data, "setlist"):
            self.data.setlist(self.add_prefix(exc.key), [str(item) for item in shown])
        else:
            self.data[self.add_prefix(exc.key)] = shown
        self.data[self.add_prefix(exc.key + SEEN_SUFFIX)] = exc.current_raw or ""
        self.add_error(exc.key, exc)


def _keys(registry: Any, section: str | None, preferences: Any) -> list[str]:
    if preferences is None:
        return [p.identifier for p in registry.preferences(section)]
    keys = []
    for item in preferences:
        key = f"{item[0]}__{item[1]}" if isinstance(item, tuple | list) else str(item)
        keys.append(registry.get(key).identifier)  # KeyError for unknown keys
    return keys


def preference_form_builder(
    manager: Any, *, section: str | None = None, preferences: Any = None, concurrency: bool = False
) -> type[PreferenceForm]:
    """Return a form class over `manager`'s preferences (all, one section's, or the listed ones)."""
    keys = _keys(manager.registry, section, preferences)
    attrs: dict[str, Any] = {"manager": manager, "preference_keys": keys, "concurrency": concurrency}
    for key in keys:
        attrs[key] = manager.registry.get(key).formfield()
        if concurrency:
            attrs[key + SEEN_SUFFIX] = forms.CharField(required=False, widget=forms.HiddenInput)
    return type("PreferenceForm", (PreferenceForm,), attrs)


def global_preference_form_builder(
    section: str | None = None, preferences: Any = None, **kwargs: Any
) -> type[PreferenceForm]:
    """Return a form class for the current tenant's preferences."""
    return preference_form_builder(
        global_preferences_registry.manager(), section=section, preferences=preferences, **kwargs
    )


def user_preference_form_builder(
    instance: Any, section: str | None = None, preferences: Any = None, **kwargs: Any
) -> type[PreferenceForm]:
    """Return a form class for one user's preferences."""
    return preference_form_builder(instance.preferences, section=section, preferences=preferences, **kwargs)
