"""The preference pages under the URL names of the documented API (aliases beside `preferences:*`).

Mount `urlpatterns` (namespace `dynamic_preferences`: `global`, `global.section`, `user`, `user.section`, the
section in the path) and, for the dotted spelling without a namespace, `dotted_urlpatterns`
(`dynamic_preferences.global`, …). Both serve the views of `apps.preferences.urls`, which builds its links with
`preferences:*` names; include that module beside these (under the same prefix, if any).
"""

from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, path

from apps.preferences import views

app_name = "dynamic_preferences"

_PAGES: list[tuple[str, Callable[..., HttpResponse], str]] = [
    ("owner/preferences/", views.global_preferences, "global"),
    ("owner/preferences/sections/<slug:section>/", views.global_section, "global.section"),
    ("preferences/", views.user_preferences, "user"),
    ("preferences/sections/<slug:section>/", views.user_section, "user.section"),
]

urlpatterns: list[URLPattern] = [path(route, view, name=name) for route, view, name in _PAGES]
dotted_urlpatterns: list[URLPattern] = [
    path(route, view, name=f"dynamic_preferences.{name}") for route, view, name in _PAGES
]
