"""Pages of this app on tenant domains (mounted at the root): the owners' bundle page."""

from django.urls import path

from apps.bundles import views

app_name = "bundles"

urlpatterns = [
    path("owner/bundle/", views.owner_bundle, name="owner"),
    path("owner/bundle/export/", views.owner_bundle_export, name="owner-export"),
    path("owner/bundle/apply/", views.owner_bundle_apply, name="owner-apply"),
]
