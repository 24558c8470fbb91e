"""What a preferences page edits, and who may change what on it.

An `EditScope` bundles a registry's manager with the visitor's rights: the tabs (sections) they may open
and the preferences they may change. The user page (`user_edit_scope`) edits the visitor's own values;
the owners' page (`global_edit_scope`) edits the tenant's, section by section. Views stay thin: they ask
the scope for a form, bind it, save it and render `FieldState`s.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from apps.preferences.display import value_display
from apps.preferences.forms import (
    SEEN_SUFFIX,
    PreferenceForm,
    global_preference_form_builder,
    user_preference_form_builder,
)
from apps.preferences.models import AbstractPreferenceChange
from apps.preferences.permissions import can_change, may_change_section
from apps.preferences.registries import (
    PreferenceRegistry,
    global_preferences_registry,
    user_preferences_registry,
)
from apps.preferences.services import ANY, PreferenceChangeResult, preference_reset
from apps.preferences.types import BasePreferenceType

# The tab of preferences declared without a section; "-" can never be a section's name.
NO_SECTION = "-"


@dataclass(frozen=True)
class Tab:
    """One section of a preferences page."""

    name: str  # the `?section=` value
    label: str
    help_text: str = ""

    @property
    def section(self) -> str:
        """Return the section name the registry knows ("" for preferences without a section)."""
        return "" if self.name == NO_SECTION else self.name


@dataclass
class FieldState:
    """One preference field as a page shows it: the bound field, its "seen" value and where it stands."""

    key: str
    field: Any  # BoundField
    seen: Any  # BoundField of the hidden "<key>__seen" input
    editable: bool
    differs_from_default: bool
    default_display: str
    save_url: str
    reset_url: str
    saved: bool = False
    notice: str = ""  # an error that belongs to the field but not to its input (a refused reset)


@dataclass
class EditScope:
    """A registry's values as one visitor may edit them on a page."""

    scope: str  # "user" or "global"
    registry: PreferenceRegistry
    user: Any
    build_form: Callable[..., type[PreferenceForm]]
    url_names: dict[str, str]  # page, field, reset
    may_open: Callable[[str], bool]
    tabs: list[Tab] = field(default_factory=list)

    def __post_init__(self) -> None:
        tabs = [Tab(s.name, str(s.verbose_name), str(s.help_text)) for s in self.registry.sections() if s.listed]
        if self.registry.preferences(""):
            tabs.append(Tab(NO_SECTION, "Other"))
        self.tabs = [tab for tab in tabs if self.may_open(tab.section)]

    # --- access -----------------------------------------------------------------------------------
    def tab(self, name: str | None) -> Tab:
        """Return the tab `name` (the first open one when None); 404 if unknown, 403 if not allowed."""
        if not name:
            if not self.tabs:
                raise PermissionDenied("You may not change any of these preferences.")
            return self.tabs[0]
        for tab in self.tabs:
            if tab.name == name:
                return tab
        section = "" if name == NO_SECTION else name
        if not self.registry.preferences(section):
            raise Http404("No such section.")
        raise PermissionDenied("You may not change the preferences of this section.")

    def preference(self, key: str) -> BasePreferenceType:
        """Return the preference `key` if its tab is open to the visitor; 404 if unknown, 403 if not allowed."""
        if key not in self.registry:
            raise Http404("No such preference.")
        preference: BasePreferenceType = self.registry.get(key)
        if not self.may_open(preference.section_name):
            raise PermissionDenied("You may not change the preferences of this section.")
        return preference

    def can_edit(self, preference: BasePreferenceType) -> bool:
        """Return whether the visitor may change `preference` (its own `permission` included)."""
        return can_change(self.user, preference, scope=self.scope, owner=self.user)

    def require_edit(self, preference: BasePreferenceType) -> None:
        if not self.can_edit(preference):
            raise PermissionDenied("You may not change this preference.")

    # --- forms ------------------------------------------------------------------------------------
    def form(self, *, tab: Tab | None = None, key: str | None = None, data: Any = None) -> PreferenceForm:
        """Return a form over a tab's or one key's preferences; fields the visitor may not change are disabled."""
        if key is not None:
            form_class = self.build_form(preferences=[key], concurrency=True)
        else:
            assert tab is not None
            form_class = self.build_form(section=tab.section, concurrency=True)
        form = form_class(data)
        for preference_key in form.preference_keys:
            if not self.can_edit(form.preference(preference_key)):
                # Disabled fields keep their value on a plain post and never count as changed.
                form.fields[preference_key].disabled = True
                form.fields[preference_key + SEEN_SUFFIX].disabled = True
        return form

    # --- writing ----------------------------------------------------------------------------------
    def save(self, form: PreferenceForm) -> list[PreferenceChangeResult] | None:
        """Write the form's changed values as the visitor; return the changes, or None with errors on the form."""
        if not form.is_valid():
            return None
        changes = form.save(actor=self.user, source=AbstractPreferenceChange.Source.FORM)
        return None if form.errors else changes

    def reset(self, form: PreferenceForm, key: str, *, seen: str | None) -> None:
        """Put `key` back to its default as the visitor; raise StaleValueError if it changed since `seen`.

        `seen` is the stored text the page showed ("" for the default); None skips the check.
        """
        expected = ANY if seen is None else (seen or None)
        preference_reset(
            store=form.manager.store(),
            key=key,
            actor=self.user,
            source=AbstractPreferenceChange.Source.FORM,
            expected_raw=expected,
        )

    # --- showing ----------------------------------------------------------------------------------
    def field_states(self, form: PreferenceForm, *, saved: bool = False, notice: str = "") -> list[FieldState]:
        """Return how each field of `form` shows on the page."""
        return [self._state(form, key, saved=saved, notice=notice) for key in form.preference_keys]

    def _state(self, form: PreferenceForm, key: str, *, saved: bool, notice: str) -> FieldState:
        preference = form.preference(key)
        raw = form.manager.raw(key)
        default = preference.get_default()
        return FieldState(
            key=key,
            field=form[key],
            seen=form[key + SEEN_SUFFIX],
            editable=not form.fields[key].disabled,
            differs_from_default=raw is not None and raw != preference.get_serializer().serialize(default),
            default_display=value_display(preference, default),
            save_url=reverse(self.url_names["field"], args=[key]),
            reset_url=reverse(self.url_names["reset"], args=[key]),
            saved=saved,
            notice=notice,
        )

    def page_url(self, tab: Tab) -> str:
        return f"{reverse(self.url_names['page'])}?section={tab.name}"

    def tab_of(self, preference: BasePreferenceType) -> Tab:
        return self.tab(preference.section_name or NO_SECTION)


def user_edit_scope(user: Any) -> EditScope:
    """Return the signed-in user's own preferences: every section is theirs to change."""
    return EditScope(
        scope="user",
        registry=user_preferences_registry,
        user=user,
        build_form=lambda **kwargs: user_preference_form_builder(user, **kwargs),
        url_names={"page": "preferences:user", "field": "preferences:user-field", "reset": "preferences:user-reset"},
        may_open=lambda section: True,
    )


def global_edit_scope(user: Any) -> EditScope:
    """Return the tenant's preferences: all sections for owners, else those whose permission the user holds."""

    def may_open(section: str) -> bool:
        return may_change_section(user, section)

    return EditScope(
        scope="global",
        registry=global_preferences_registry,
        user=user,
        build_form=global_preference_form_builder,
        url_names={
            "page": "preferences:global",
            "field": "preferences:global-field",
            "reset": "preferences:global-reset",
        },
        may_open=may_open,
    )
