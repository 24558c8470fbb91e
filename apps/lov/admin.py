"""Admin base classes for concrete lists (registered by the app that defines them).

The value and selection tables are shared by every tenant, so the admin behaves by site: on the public
domain a superadmin sees every row, filterable by type and tenant; on a tenant's domain its staff see
only what that tenant may use, can edit only its own custom values, and "delete" soft-deletes.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from apps.core.tenancy import on_public_schema
from apps.lov.types import LOVValueType


def _current_tenant() -> Any | None:
    """Return the tenant of the active schema, or None on the public schema."""
    if on_public_schema():
        return None
    return getattr(connection, "tenant", None)


class LOVValueAdmin(admin.ModelAdmin):
    list_display = ["name", "value_type", "lov_tenant", "deleted"]
    list_filter = ["value_type", ("deleted", admin.EmptyFieldListFilter), "lov_tenant"]
    search_fields = ["name"]
    readonly_fields = ["created"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).select_related("lov_tenant")
        tenant = _current_tenant()
        return queryset if tenant is None else queryset.for_tenant(tenant)  # type: ignore[attr-defined]

    def get_list_filter(self, request: HttpRequest) -> Any:
        # On a tenant's site every row is its own or a default: a tenant filter would list other tenants.
        return self.list_filter if _current_tenant() is None else ["value_type"]

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        if _current_tenant() is None:
            return ["name", "value_type", "lov_tenant", "deleted", "created"]
        return ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A tenant adds custom values in the owner console, which selects them and checks the name rules.
        return _current_tenant() is None and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        tenant = _current_tenant()
        if tenant is not None and obj is not None and obj.lov_tenant_id != tenant.pk:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.value_type != LOVValueType.CUSTOM:
            return False
        tenant = _current_tenant()
        if tenant is not None and obj is not None and obj.lov_tenant_id != tenant.pk:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        tenant = _current_tenant()
        if tenant is not None:
            queryset = queryset.filter(lov_tenant=tenant)
        try:
            queryset.delete()
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)


class LOVSelectionAdmin(admin.ModelAdmin):
    list_display = ["lov_value", "lov_tenant", "lov_position", "lov_label", "created"]
    list_filter = ["lov_value__value_type", "lov_tenant"]
    search_fields = ["lov_value__name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).select_related("lov_value", "lov_tenant")
        tenant = _current_tenant()
        return queryset if tenant is None else queryset.filter(lov_tenant=tenant)

    def get_list_filter(self, request: HttpRequest) -> Any:
        return self.list_filter if _current_tenant() is None else ["lov_value__value_type"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Tenants choose their selection in the owner console, where the rules are enforced.
        return _current_tenant() is None and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _current_tenant() is None and super().has_change_permission(request, obj)
