"""The tenant domains' URLs with the example's pages added (tests point ROOT_URLCONF here)."""

from django.urls import include, path

from portal.urls_tenants import urlpatterns as tenant_urlpatterns
from tests.lov_example import views

example_patterns = (
    [
        path("crops/", views.tenant_crop_values, name="tenant-crop-values"),
        path("crops/selections/", views.tenant_crop_selections, name="tenant-crop-selections"),
        path("my-crops/", views.user_crops, name="user-crops"),
    ],
    "lov_example",
)

urlpatterns = [path("example/", include(example_patterns)), *tenant_urlpatterns]
