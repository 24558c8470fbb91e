"""Delivery backends configured by dotted path in NOTIFICATIONS_BACKENDS; one instance of each per process."""

from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from apps.notifications import conf
from apps.notifications.backends.base import BaseBackend, DeliverySkipped

__all__ = ["BaseBackend", "DeliverySkipped", "backend_get", "backends_all"]


@cache
def _loaded() -> dict[str, BaseBackend]:
    backends: dict[str, BaseBackend] = {}
    for path in conf.get("NOTIFICATIONS_BACKENDS"):
        backend = import_string(path)()
        if backend.name in backends:
            raise ValueError(f"Two notification backends are named {backend.name!r}.")
        backends[backend.name] = backend
    return backends


def backends_all() -> dict[str, BaseBackend]:
    """Return the configured backends by name, in settings order."""
    return _loaded()


def backend_get(name: str) -> BaseBackend:
    """Return the configured backend called `name`, or raise ValueError."""
    try:
        return _loaded()[name]
    except KeyError:
        raise ValueError(f"Unknown notification backend {name!r}.") from None


@receiver(setting_changed)
def _forget_backends(*, setting: str, **kwargs: object) -> None:
    # override_settings in tests changes the list; the cached instances must follow.
    if setting in ("NOTIFICATIONS_BACKENDS", "NOTIFICATIONS_SMS_PROVIDER"):
        _loaded.cache_clear()
