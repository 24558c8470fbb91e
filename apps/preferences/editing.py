"""What a preferences page edits, and who may change what on it.

An `EditScope` bundles a registry's manager with the visitor's rights: the tabs (sections) they may open
and the preferences they may change. The user page (`user_edit_scope`) edits the visitor's own values;
the owners' page (`global_edit_scope`) edits the tenant's, section by section; the owners' defaults pages
(`defaults_edit_scope`) edit the organisation's or one group's defaults of user preferences, each with a
lock. On the user page every value says where it comes from ("your value", "from group Sales", "locked by
your organisation", …) and an own value offers "Use inherited", naming the value it would inherit.
Views stay thin: they ask
the scope for a form, bind it, save it through the preferences service and render the inline-edit kit's
`InlineField`s (`apps.core.inline`), the version of each being the stored text it shows ("" for the default).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from apps.accounts.models import GROUP_ORDER
from apps.core.inline import (
    IDLE,
    VERSION_SUFFIX,
    InlineAction,
    InlineField,
    InlineState,
    StaleEdit,
    version_token,
)
from apps.core.inputs import GuardedTextForm
from apps.core.roles import is_owner
from apps.preferences.display import raw_display, value_display
from apps.preferences.forms import (
    PreferenceForm,
    global_preference_form_builder,
    preference_form_builder,
    user_preference_form_builder,
)
from apps.preferences.managers import Resolution
from apps.preferences.models import AbstractPreferenceChange
from apps.preferences.permissions import can_change, may_change_section
from apps.preferences.registries import (
    PreferenceRegistry,
    global_preferences_registry,
    user_preferences_registry,
)
from apps.preferences.services import (
    ANY,
    PreferenceChangeResult,
    StaleValueError,
    preference_lock,
    preference_reset,
    preferences_set,
)
from apps.preferences.stores import ScopeStore
from apps.preferences.types import BasePreferenceType

FORM = AbstractPreferenceChange.Source.FORM

# The tab of preferences declared without a section; "-" can never be a section's name.
NO_SECTION = "-"
# The defaults pages' targets: the organisation, or "group-<id>".
ORGANISATION = "organisation"
GROUP_PREFIX = "group-"
LOCK_SUFFIX = "__locked"


class LockForm(GuardedTextForm, forms.Form):
    """The lock switch of one default: `<key>__locked`."""

    def __init__(self, key: str, label: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        self.fields[key + LOCK_SUFFIX] = forms.BooleanField(
            required=False, label=f"Lock {label}", help_text="Members see this value and cannot change it."
        )


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
class EditScope:
    """A registry's values as one visitor may edit them on a page."""

    scope: str  # "user" or "global"
    registry: PreferenceRegistry
    user: Any
    build_form: Callable[..., type[PreferenceForm]]
    url_names: dict[str, str]  # page, field, reset (and lock on the defaults pages)
    may_open: Callable[[str], bool]
    tabs: list[Tab] = field(default_factory=list)
    url_args: tuple[Any, ...] = ()  # the arguments before the key (the defaults pages' target)
    manager: Any = None  # the defaults pages' DefaultsManager

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
        # Only what a tab of this page shows: a section edited on a page of its own (a live setting's tenant
        # value) is refused before anything is written, as its tab is.
        if not any(tab.section == preference.section_name for tab in self.tabs):
            raise PermissionDenied("You may not change the preferences of this section here.")
        return preference

    def can_edit(self, preference: BasePreferenceType) -> bool:
        """Return whether the visitor may change `preference` (its own `permission` included; not if locked)."""
        if self.scope in ("org_default", "group_default"):
            return is_owner(self.user) and (not preference.permission or self.user.has_perm(preference.permission))
        if self.scope == "user" and self.resolution(preference.identifier).locked:
            return False
        return can_change(self.user, preference, scope=self.scope, owner=self.user)

    def resolution(self, key: str) -> Resolution:
        """Return the visitor's effective value of `key` and its source (user page only)."""
        resolution: Resolution = self.user.preferences.resolve(key)
        return resolution

    @property
    def is_defaults(self) -> bool:
        return self.manager is not None

    def require_edit(self, preference: BasePreferenceType) -> None:
        if not self.can_edit(preference):
            raise PermissionDenied("You may not change this preference.")

    # --- forms ------------------------------------------------------------------------------------
    def form(self, *, tab: Tab | None = None, key: str | None = None, data: Any = None) -> PreferenceForm:
        """Return a form over a tab's or one key's preferences; fields the visitor may not change are disabled."""
        if key is not None:
            form_class = self.build_form(preferences=[key])
        else:
            assert tab is not None
            form_class = self.build_form(section=tab.section)
        form = form_class(data)
        for preference_key in form.preference_keys:
            if not self.can_edit(form.preference(preference_key)):
                # Disabled fields keep their value on a plain post and never count as changed.
                form.fields[preference_key].disabled = True
        return form

    # --- writing ----------------------------------------------------------------------------------
    def store(self, form: PreferenceForm) -> ScopeStore:
        return form.manager.store()

    def save(self, form: PreferenceForm, versions: Mapping[str, Any]) -> list[PreferenceChangeResult] | None:
        """Write the form's changed values as the visitor; return the changes, or None with errors on the form.

        `versions` holds the `<key>__seen` inputs posted beside the fields (the stored text each showed);
        a changed value whose key was changed since is refused with StaleEdit, and nothing is written.
        """
        if not form.is_valid():
            return None
        values = form.changed_preferences()
        if not values:
            return []
        expected = {key: versions[key + VERSION_SUFFIX] or None for key in values if key + VERSION_SUFFIX in versions}
        store = self.store(form)
        try:
            return preferences_set(store=store, values=values, actor=self.user, source=FORM, expected_raw=expected)
        except StaleValueError as exc:
            raise stale_edit(exc, store) from exc
        except ValidationError as exc:
            for key, errors in exc.error_dict.items():
                form.add_error(key if key in form.fields else None, errors)
            return None

    def reset(self, form: PreferenceForm, key: str, *, seen: str | None) -> PreferenceChangeResult | None:
        """Put `key` back to its default as the visitor; raise StaleEdit if it changed since `seen`.

        `seen` is the stored text the page showed ("" for the default); None skips the check.
        """
        store = self.store(form)
        expected = expected_raw(seen)
        try:
            result: PreferenceChangeResult | None = preference_reset(
                store=store, key=key, actor=self.user, source=FORM, expected_raw=expected
            )
        except StaleValueError as exc:
            raise stale_edit(exc, store) from exc
        return result

    # --- showing ----------------------------------------------------------------------------------
    def fields(
        self,
        form: PreferenceForm,
        *,
        state: InlineState = IDLE,
        stale: StaleEdit | None = None,
        reset_refused: bool = False,
    ) -> list[InlineField]:
        """Return each field of `form` as the kit shows it, in `state`; `stale` is shown on its own key's.

        `reset_refused` makes the stale field offer to reset again rather than to apply the value again.
        """

        def stale_of(key: str) -> StaleEdit | None:
            return stale if stale is not None and stale.name == key else None

        return [
            self._field(form, key, state=state, stale=stale_of(key), reset_refused=reset_refused)
            for key in form.preference_keys
        ]

    def _field(
        self, form: PreferenceForm, key: str, *, state: InlineState, stale: StaleEdit | None, reset_refused: bool
    ) -> InlineField:
        if self.scope == "user":
            return self._user_field(form, key, state=state, stale=stale, reset_refused=reset_refused)
        if self.is_defaults:
            return self._default_field(form, key, state=state, stale=stale, reset_refused=reset_refused)
        preference = form.preference(key)
        raw = form.manager.raw(key)
        differs = raw is not None and raw != preference.get_serializer().serialize(preference.get_default())
        editable = not form.fields[key].disabled
        reset_url = reverse(self.url_names["reset"], args=[*self.url_args, key])
        label = str(form[key].label)
        return InlineField(
            form[key],
            save_url=reverse(self.url_names["field"], args=[*self.url_args, key]),
            version=raw or "",
            state=state,
            stale=stale,
            editable=editable,
            badge="changed from default" if differs else "",
            note=f"default: {value_display(preference, preference.get_default())}" if differs else "",
            actions=[InlineAction("Reset", reset_url, hidden_label=f" {label} to its default")] if differs else [],
            retry_url=reset_url if reset_refused else "",
            retry_label="Reset again" if reset_refused else "Apply my value again",
            testid=f"pref-{key}",
        )

    def _user_field(
        self, form: PreferenceForm, key: str, *, state: InlineState, stale: StaleEdit | None, reset_refused: bool
    ) -> InlineField:
        """Return a user's field with where its value comes from, and "Use inherited" over an own value."""
        preference = form.preference(key)
        resolution = self.resolution(key)
        label = str(form[key].label)
        reset_url = reverse(self.url_names["reset"], args=[*self.url_args, key])
        actions, note = [], ""
        inherited = resolution.inherited
        if inherited is not None:
            shown = value_display(preference, inherited.value)
            note = f"inherited: {shown} ({inherited.label})"
            actions = [
                InlineAction(
                    "Use inherited", reset_url, hidden_label=f" for {label}: {shown}", testid=f"use-inherited-{key}"
                )
            ]
        return InlineField(
            form[key],
            save_url=reverse(self.url_names["field"], args=[*self.url_args, key]),
            version=form.manager.raw(key) or "",
            state=state,
            stale=stale,
            editable=not form.fields[key].disabled,
            badge=resolution.label,
            note=note,
            actions=actions,
            retry_url=reset_url if reset_refused else "",
            retry_label="Use inherited again" if reset_refused else "Apply my value again",
            testid=f"pref-{key}",
        )

    def _default_field(
        self, form: PreferenceForm, key: str, *, state: InlineState, stale: StaleEdit | None, reset_refused: bool
    ) -> InlineField:
        """Return an owner's default: "not set" (what members inherit then) or "set", and a Reset."""
        preference = form.preference(key)
        stored = self.manager.stored(key)
        label = str(form[key].label)
        reset_url = reverse(self.url_names["reset"], args=[*self.url_args, key])
        fallback = self.fallback(preference)
        return InlineField(
            form[key],
            save_url=reverse(self.url_names["field"], args=[*self.url_args, key]),
            version=stored.raw if stored is not None else "",
            state=state,
            stale=stale,
            editable=not form.fields[key].disabled,
            badge=("locked" if stored.locked else "set here") if stored is not None else "",
            note=f"not set here: members inherit {fallback}" if stored is None else f"otherwise: {fallback}",
            actions=[InlineAction("Reset", reset_url, hidden_label=f" {label}: set no default here")] if stored else [],
            retry_url=reset_url if reset_refused else "",
            retry_label="Reset again" if reset_refused else "Apply my value again",
            testid=f"default-{key}",
        )

    def fallback(self, preference: BasePreferenceType) -> str:
        """Return what members inherit where this level sets nothing: the organisation's default, or code's."""
        if self.scope == "group_default":
            organisation = user_preferences_registry.organisation_defaults().stored(preference.identifier)
            if organisation is not None:
                return f"{value_display(preference, organisation.value)} (from the organisation)"
        return f"{value_display(preference, preference.get_default())} (default)"

    def lock_field(self, key: str, *, state: InlineState = IDLE, data: Any = None) -> InlineField:
        """Return the lock switch of an owner's default of `key`."""
        preference = self.preference(key)
        stored = self.manager.stored(key)
        label = str(preference.get_verbose_name())
        initial = {key + LOCK_SUFFIX: stored is not None and stored.locked}
        form = LockForm(key, label, data, initial=initial)
        return InlineField(
            form[key + LOCK_SUFFIX],
            save_url=reverse(self.url_names["lock"], args=[*self.url_args, key]),
            # The lock's own version: saving the value beside it does not make the switch stale.
            version=version_token(stored is not None and stored.locked),
            state=state,
            editable=self.can_edit(preference),
            testid=f"lock-{key}",
        )

    def lock(self, key: str, *, locked: bool, seen: str | None) -> PreferenceChangeResult | None:
        """Lock or unlock the default of `key` as the visitor; raise StaleEdit if its lock changed since `seen`."""
        preference = self.preference(key)
        store = self.manager.store()
        stored = self.manager.stored(key)
        was_locked = stored is not None and stored.locked
        if seen is not None and seen != version_token(was_locked) and was_locked != locked:
            section, name = preference.section_name, preference.name
            last = store.changes().filter(section=section, name=name).order_by("-changed_at", "-id").first()
            raise StaleEdit(
                who=last.changed_by if last is not None else "someone else",
                when=last.changed_at if last is not None else None,
                current="locked" if was_locked else "unlocked",
                version=version_token(was_locked),
                name=key + LOCK_SUFFIX,
            )
        fallback: Any = ANY
        if self.scope == "group_default":
            organisation = user_preferences_registry.organisation_defaults().stored(preference.identifier)
            if organisation is not None:
                fallback = organisation.value
        try:
            result: PreferenceChangeResult | None = preference_lock(
                store=store,
                key=key,
                locked=locked,
                fallback=fallback,
                actor=self.user,
                source=FORM,
            )
        except StaleValueError as exc:
            raise stale_edit(exc, store) from exc
        return result

    def save_locks(self, form: PreferenceForm, data: Mapping[str, Any]) -> list[PreferenceChangeResult]:
        """Lock or unlock the defaults of `form`'s tab whose switch a plain post of the page changed.

        A switch changed when its posted state differs from the one it was rendered in (its version input);
        someone else's lock since is refused with StaleEdit, to be raised inside the caller's transaction.
        """
        changes = []
        for key in form.preference_keys:
            name = key + LOCK_SUFFIX
            seen = data.get(name + VERSION_SUFFIX)
            if seen is None or not self.can_edit(form.preference(key)):
                continue  # no switch posted for it (a disabled one posts nothing either)
            locked = bool(data.get(name))
            if locked != (seen == version_token(True)):
                result = self.lock(key, locked=locked, seen=seen)
                if result is not None:
                    changes.append(result)
        return changes

    def page_url(self, tab: Tab) -> str:
        """Return the page's URL showing `tab`."""
        return f"{reverse(self.url_names['page'], args=self.url_args)}?section={tab.name}"

    def tab_of(self, preference: BasePreferenceType) -> Tab:
        """Return the tab that shows `preference`."""
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


def defaults_edit_scope(user: Any, target: str) -> EditScope:
    """Return the owners' defaults of user preferences for `target`: "organisation" or "group-<id>" (404 else)."""
    if target == ORGANISATION:
        manager = user_preferences_registry.organisation_defaults()
        scope = "org_default"
    elif target.startswith(GROUP_PREFIX) and target[len(GROUP_PREFIX) :].isdigit() and len(target) < 16:
        group = Group.objects.filter(pk=int(target[len(GROUP_PREFIX) :])).first()
        if group is None:
            raise Http404("No such group.")
        manager = user_preferences_registry.group_defaults(group)
        scope = "group_default"
    else:
        raise Http404("No such defaults.")
    return EditScope(
        scope=scope,
        registry=user_preferences_registry,
        user=user,
        build_form=lambda **kwargs: preference_form_builder(manager, **kwargs),
        url_names={
            "page": "preferences:defaults",
            "field": "preferences:defaults-field",
            "reset": "preferences:defaults-reset",
            "lock": "preferences:defaults-lock",
        },
        may_open=lambda section: is_owner(user),
        url_args=(target,),
        manager=manager,
    )


def default_targets() -> list[tuple[str, str]]:
    """Return the defaults pages' targets, (target, label): the organisation, then groups by priority."""
    groups = Group.objects.order_by(*GROUP_ORDER)
    return [(ORGANISATION, "Organisation")] + [(f"{GROUP_PREFIX}{group.pk}", f"Group {group.name}") for group in groups]


def expected_raw(seen: str | None) -> Any:
    """Return the `expected_raw` of a write from a posted version: ANY when none was posted (no check)."""
    return ANY if seen is None else (seen or None)


def stale_edit(
    exc: StaleValueError, store: ScopeStore, *, display: Callable[[str | None], str] | None = None
) -> StaleEdit:
    """Return the kit's refusal for a stale write: who changed the key when, and its value now.

    `display` turns the stored text into what the page shows (default: the preference's own display).
    """
    preference = store.registry.get(exc.key)
    who, when = getattr(exc, "changed_by", ""), getattr(exc, "changed_at", None)
    if not who:
        section, name = preference.section_name, preference.name
        last = store.changes().filter(section=section, name=name).order_by("-changed_at", "-id").first()
        who, when = (last.changed_by, last.changed_at) if last is not None else ("someone else", None)
    if display is not None:
        current = display(exc.current_raw)
    else:
        current = getattr(exc, "current_display", "") or raw_display(preference, exc.current_raw)
    return StaleEdit(who=who, when=when, current=current, version=exc.current_raw or "", name=exc.key)
