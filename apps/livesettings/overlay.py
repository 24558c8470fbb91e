"""The settings overlay: `settings.NAME` answers a live setting's current value; everything else is untouched.

Django's `settings` is a LazySettings whose `_wrapped` object holds the values and which caches every
value it reads in its own `__dict__`. `install(is_live=…, resolve=…)`, called from AppConfig.ready with the
registry's membership test and the selector of the value in effect (so this module imports neither and the
dependencies run one way: selectors → registry → overlay), does two things:

- wraps `settings._wrapped` in a `LiveSettingsOverlay` that answers registered names from the preference
  snapshot pinned for the current request or task (the site value, or the current tenant's override) and
  delegates every other name to the original settings object;
- replaces the LazySettings' attribute cache (its `__dict__`) with a dict that refuses to keep registered
  names, so every read of one asks the overlay again (unregistered names keep Django's cache).

`override_settings` wraps whatever `settings._wrapped` is in a UserSettingsHolder whose own attributes win,
so an overridden name beats the live value, as tests expect; so does a value assigned in code
(`settings.NAME = …`, which sends `setting_changed` as override_settings does). When the live value cannot
be read (no database yet, a migration in progress), the settings.py value is returned and a warning logged:
reading a setting never fails because of this app.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import UserSettingsHolder
from django.core.signals import setting_changed
from django.utils.functional import empty

logger = logging.getLogger(__name__)
_resolving = threading.local()
_warned: set[str] = set()


def _nothing_is_live(name: str) -> bool:
    return False


def _no_resolver(name: str) -> Any:
    raise RuntimeError("The live settings overlay is not installed.")


def _no_version() -> object | None:
    return None


# Given by install(): whether a setting's name is live, its value in effect, whether a name settings.py lacks
# has become live since (a setting created at runtime in another process), and the version of what `discover`
# answers from (None: unknown, ask every time).
_is_live: Callable[[str], bool] = _nothing_is_live
_resolve: Callable[[str], Any] = _no_resolver
_discover: Callable[[str], bool] = _nothing_is_live
_version: Callable[[], object | None] = _no_version
# Names settings.py lacks that `discover` said were no setting, and the version it said so at. Code reads such
# names on every request (`getattr(settings, NAME, default)`): asking again costs a sync check each time.
_absent: tuple[object | None, set[str]] = (None, set())


class LiveSettingsOverlay:
    """Stand in for Django's Settings object: live values for registered names, the original for the rest."""

    def __init__(self, original: Any) -> None:
        object.__setattr__(self, "_original", original)
        # Names assigned in code after start-up (`settings.NAME = …`): those win over the live value.
        object.__setattr__(self, "_assigned", set())

    def __getattr__(self, name: str) -> Any:
        if _is_live(name) and name not in self._assigned and not getattr(_resolving, "active", False):
            return self._live(name)
        try:
            return getattr(self._original, name)
        except AttributeError:
            if not getattr(_resolving, "active", False) and _discovered(name):
                return self._live(name)
            raise

    def _live(self, name: str) -> Any:
        # A guard against recursion: reading a live value may itself read settings (cache, database).
        _resolving.active = True
        try:
            return _resolve(name)
        except Exception as exc:  # Never let the live store break a settings read: settings.py applies.
            if not _is_live(name):
                # Deleted (a custom setting) while being read: it is no setting any more.
                raise AttributeError(f"Setting {name} is not defined.") from None
            if name not in _warned:  # Once per setting and process: a migration may read it many times.
                _warned.add(name)
                logger.warning("Live setting %s unavailable (%s); using the settings.py value.", name, exc)
            return getattr(self._original, name)
        finally:
            _resolving.active = False

    def __setattr__(self, name: str, value: Any) -> None:
        self._assigned.add(name)
        setattr(self._original, name, value)
        # What override_settings sends: code that keeps a setting per process (apps.preferences.cache) reads
        # it again.
        setting_changed.send(sender=type(self), setting=name, value=value, enter=True)

    def __delattr__(self, name: str) -> None:
        self._assigned.discard(name)
        delattr(self._original, name)
        setting_changed.send(sender=type(self), setting=name, value=None, enter=False)

    def __dir__(self) -> list[str]:
        return dir(self._original)

    def is_overridden(self, setting: str) -> bool:
        return bool(self._original.is_overridden(setting))

    def __repr__(self) -> str:
        return f"<LiveSettingsOverlay over {self._original!r}>"


def _discovered(name: str) -> bool:
    """Return `discover(name)`; a no is remembered while the version stays the same."""
    global _absent
    version = _version()
    known_version, names = _absent
    if version is not None and version == known_version and name in names:
        return False
    if _discover(name):
        return True
    if version is not None:
        if version == known_version:
            names.add(name)
        else:
            _absent = (version, {name})
    return False


class _LiveAwareCache(dict[str, Any]):
    """LazySettings' attribute cache (its `__dict__`), refusing to keep live settings so each read asks again."""

    def __setitem__(self, name: str, value: Any) -> None:
        if _is_live(name):
            return
        super().__setitem__(name, value)


def install(
    *,
    is_live: Callable[[str], bool],
    resolve: Callable[[str], Any],
    discover: Callable[[str], bool] = _nothing_is_live,
    version: Callable[[], object | None] = _no_version,
) -> None:
    """Put the overlay in front of `django.conf.settings` (idempotent).

    `is_live(name)` says whether a setting is live; `resolve(name)` returns its value in effect now;
    `discover(name)`, asked for a name settings.py lacks, whether it has become live since; `version()`, a value
    that stays equal as long as `discover`'s answers cannot change, or None when unknown.
    """
    global _is_live, _resolve, _discover, _version, _absent
    from django.conf import settings

    _is_live, _resolve, _discover, _version = is_live, resolve, discover, version
    _absent = (None, set())
    settings.INSTALLED_APPS  # noqa: B018  (makes sure the settings are loaded before wrapping them)
    if not isinstance(settings.__dict__, _LiveAwareCache):
        # object.__setattr__: LazySettings would forward the assignment to the wrapped settings.
        object.__setattr__(settings, "__dict__", _LiveAwareCache(settings.__dict__))
    if _find_overlay(settings._wrapped) is None:  # type: ignore[misc]  # private LazyObject attribute, not in the stubs
        # Also clears cached values.
        settings._wrapped = LiveSettingsOverlay(settings._wrapped)  # type: ignore[misc]  # private LazyObject attribute, not in the stubs


def _find_overlay(wrapped: Any) -> LiveSettingsOverlay | None:
    while isinstance(wrapped, UserSettingsHolder):
        wrapped = wrapped.default_settings
    return wrapped if isinstance(wrapped, LiveSettingsOverlay) else None


def settings_py_value(name: str) -> Any:
    """Return `name` as settings.py (and the environment) set it, ignoring live values and overrides."""
    from django.conf import settings

    wrapped = settings._wrapped  # type: ignore[misc]  # private LazyObject attribute, not in the stubs
    if wrapped is empty:
        return getattr(settings, name)
    overlay = _find_overlay(wrapped)
    if overlay is not None:
        return getattr(overlay._original, name)
    while isinstance(wrapped, UserSettingsHolder):
        wrapped = wrapped.default_settings
    return getattr(wrapped, name)


def settings_py_names() -> set[str]:
    """Return the names settings.py (with Django's defaults) defines, ignoring live values and overrides."""
    from django.conf import settings

    wrapped = settings._wrapped  # type: ignore[misc]  # private LazyObject attribute, not in the stubs
    if wrapped is empty:
        settings.INSTALLED_APPS  # noqa: B018  (loads the settings)
        wrapped = settings._wrapped  # type: ignore[misc]  # private LazyObject attribute, not in the stubs
    overlay = _find_overlay(wrapped)
    original = overlay._original if overlay is not None else wrapped
    while isinstance(original, UserSettingsHolder):
        original = original.default_settings
    return {name for name in dir(original) if name.isupper()}
