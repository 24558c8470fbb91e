from django.urls import path

from apps.tenants import views

app_name = "tenants"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("health/", views.health, name="health"),
    path("tenants/", views.tenant_list_view, name="tenant-list"),
    path("tenants/new/", views.tenant_create_view, name="tenant-create"),
    path("tenants/<int:pk>/", views.tenant_detail, name="tenant-detail"),
    path("tenants/<int:pk>/invite-owner/", views.tenant_owner_invite_view, name="tenant-owner-invite"),
    path("tenants/<int:pk>/deactivate/", views.tenant_deactivate_view, name="tenant-deactivate"),
    path("tenants/<int:pk>/reactivate/", views.tenant_reactivate_view, name="tenant-reactivate"),
    path("tenants/<int:pk>/delete/", views.tenant_delete_view, name="tenant-delete"),
]
