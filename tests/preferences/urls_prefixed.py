"""A tenant urlconf that mounts the preference pages under /settings-pages/ (the rest as the portal has it)."""

from django.urls import include, path

from apps.preferences import dynamic_urls
from portal import urls_tenants

_PREFERENCE_NAMESPACES = {"preferences", "dynamic_preferences"}

urlpatterns = [
    path("settings-pages/", include("apps.preferences.urls")),
    path("settings-pages/", include("apps.preferences.dynamic_urls")),
    path("settings-pages/", include(dynamic_urls.dotted_urlpatterns)),
] + [
    pattern
    for pattern in urls_tenants.urlpatterns
    if getattr(pattern, "namespace", None) not in _PREFERENCE_NAMESPACES
    and getattr(pattern, "urlconf_name", None) is not dynamic_urls.dotted_urlpatterns
]
