"""Tags for the shared layout, which every page renders: its fixed URLs worked out once per process.

`{% static %}` here gives what Django's does, cached per path (a manifest storage looks each name up in
its manifest and builds the URL again per tag per request otherwise); `{% url_fixed %}` is `{% url %}` for
a route without arguments, reversed once per urlconf (see apps.core.navigation.reverse_fixed).
"""

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import StaticNode

from apps.core.navigation import reverse_fixed

register = template.Library()

_static_urls: dict[str, str] = {}

# The settings a static file's URL depends on (the storage, its URL and manifest, DEBUG for the manifest).
_STATIC_SETTINGS = frozenset({"STORAGES", "STATIC_URL", "STATIC_ROOT", "STATICFILES_DIRS", "INSTALLED_APPS", "DEBUG"})


@receiver(setting_changed)
def _static_urls_clear(*, setting: str, **kwargs: Any) -> None:
    if setting in _STATIC_SETTINGS:
        _static_urls.clear()


@register.simple_tag
def static(path: str) -> str:
    """Return the URL of the static file at `path`, as Django's `{% static %}` does, once per process."""
    url = _static_urls.get(path)
    if url is None:
        url = _static_urls[path] = StaticNode.handle_simple(path)
    return url


@register.simple_tag
def url_fixed(url_name: str) -> str:
    """Return the URL of a route without arguments, reversed once per urlconf and process."""
    return reverse_fixed(url_name)
