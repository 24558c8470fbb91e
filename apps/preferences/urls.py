"""Pages of this app on tenant domains: my preferences, the organisation's preferences and their history.

The pages may be mounted under a prefix (`path("settings-pages/", include("apps.preferences.urls"))`): every
link they build is reversed. `apps.preferences.dynamic_urls` adds the documented URL names as aliases.
"""

from django.urls import path

from apps.preferences import views

app_name = "preferences"

urlpatterns = [
    path("preferences/", views.user_preferences, name="user"),
    path("preferences/sections/<slug:section>/", views.user_section, name="user-section"),
    path("preferences/field/<str:key>/", views.user_field, name="user-field"),
    path("preferences/field/<str:key>/reset/", views.user_reset, name="user-reset"),
    path("owner/preferences/", views.global_preferences, name="global"),
    path("owner/preferences/sections/<slug:section>/", views.global_section, name="global-section"),
    path("owner/preferences/field/<str:key>/", views.global_field, name="global-field"),
    path("owner/preferences/field/<str:key>/reset/", views.global_reset, name="global-reset"),
    path("owner/preferences/defaults/", views.defaults, name="defaults-index"),
    path("owner/preferences/defaults/<slug:target>/", views.defaults, name="defaults"),
    path("owner/preferences/defaults/<slug:target>/field/<str:key>/", views.defaults_field, name="defaults-field"),
    path(
        "owner/preferences/defaults/<slug:target>/field/<str:key>/reset/",
        views.defaults_reset,
        name="defaults-reset",
    ),
    path("owner/preferences/defaults/<slug:target>/field/<str:key>/lock/", views.defaults_lock, name="defaults-lock"),
    path("owner/history/", views.history, name="history"),
    path("owner/history/<int:pk>/revert/", views.history_revert, name="history-revert"),
]
