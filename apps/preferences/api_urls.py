"""REST API routes of this app, mounted under /api/ on tenant domains."""

from django.urls import URLPattern, URLResolver, path

from apps.preferences import api

# "schema/" comes before "<key>/": a key always contains "__" unless it has no section, and none is "schema".
urlpatterns: list[URLPattern | URLResolver] = [
    path("preferences/global/", api.GlobalPreferenceListView.as_view(), name="preferences-api-global"),
    path("preferences/global/schema/", api.GlobalPreferenceSchemaView.as_view(), name="preferences-api-global-schema"),
    path(
        "preferences/global/<str:key>/", api.GlobalPreferenceDetailView.as_view(), name="preferences-api-global-detail"
    ),
    path(
        "preferences/defaults/organisation/",
        api.OrganisationDefaultListView.as_view(),
        name="preferences-api-defaults-organisation",
    ),
    path(
        "preferences/defaults/organisation/<str:key>/",
        api.OrganisationDefaultDetailView.as_view(),
        name="preferences-api-defaults-organisation-detail",
    ),
    path(
        "preferences/defaults/groups/<str:group>/",
        api.GroupDefaultListView.as_view(),
        name="preferences-api-defaults-group",
    ),
    path(
        "preferences/defaults/groups/<str:group>/<str:key>/",
        api.GroupDefaultDetailView.as_view(),
        name="preferences-api-defaults-group-detail",
    ),
    path("preferences/user/", api.UserPreferenceListView.as_view(), name="preferences-api-user"),
    path("preferences/user/schema/", api.UserPreferenceSchemaView.as_view(), name="preferences-api-user-schema"),
    path("preferences/user/<str:key>/", api.UserPreferenceDetailView.as_view(), name="preferences-api-user-detail"),
]
