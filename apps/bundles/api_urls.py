"""REST API routes of this app, mounted under /api/ on tenant domains."""

from django.urls import path

from apps.bundles import api

urlpatterns = [
    path("bundle/", api.BundleView.as_view(), name="bundle-api"),
    path("bundle/schema/", api.BundleSchemaView.as_view(), name="bundle-api-schema"),
]
