"""REST API routes of this app, mounted under /api/ on tenant domains."""

from django.urls import path

from apps.lov import api

urlpatterns = [
    path("lists/", api.LOVListsView.as_view(), name="lov-api-lists"),
    path("lists/<slug:key>/values/", api.LOVSelectedValuesView.as_view(), name="lov-api-values"),
    path("lists/<slug:key>/available/", api.LOVAvailableValuesView.as_view(), name="lov-api-available"),
]
