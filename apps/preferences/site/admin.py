"""Django admin of the site-wide values and their history (public schema, the bare domain's /admin/).

A value whose preference is declared `secret` (a secret live setting) is never shown here: its rows are masked
and read-only, and the history shows neither its old nor its new value.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.preferences.admin import PreferenceChangeAdminBase, StoredPreferenceAdmin
from apps.preferences.maintenance import row_preference
from apps.preferences.registries import site_preferences_registry
from apps.preferences.site.models import SitePreference, SitePreferenceChange

MASK = "••••••••"


def _is_secret(preference: Any) -> bool:
    return bool(getattr(preference, "secret", False))


@admin.register(SitePreference)
class SitePreferenceAdmin(StoredPreferenceAdmin):
    # The site tables are on every tenant's search path too: show them to the superadmins only.
    public_schema = True

    @admin.display(description="Value")
    def value_display(self, obj: Any) -> str:
        return MASK if _is_secret(row_preference(obj)) else super().value_display(obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and _is_secret(row_preference(obj)):
            return [(None, {"fields": ["key_display", "value_display", "updated_at", "updated_by"]})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), "value_display"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A secret is changed where it can be entered without being shown: the live settings console.
        if obj is not None and _is_secret(row_preference(obj)):
            return False
        return super().has_change_permission(request, obj)


@admin.register(SitePreferenceChange)
class SitePreferenceChangeAdmin(PreferenceChangeAdminBase):
    public_schema = True
    list_display = ["changed_at", "key_display", "old_display", "new_display", "changed_by", "source"]
    exclude = ["old_raw_value", "new_raw_value"]
    readonly_fields = ["old_display", "new_display"]

    def _masked(self, obj: Any, raw: str | None) -> str | None:
        key = obj.key
        if key in site_preferences_registry and _is_secret(site_preferences_registry.get(key)):
            return None if raw is None else MASK
        return raw

    @admin.display(description="Old raw value")
    def old_display(self, obj: Any) -> str | None:
        return self._masked(obj, obj.old_raw_value)

    @admin.display(description="New raw value")
    def new_display(self, obj: Any) -> str | None:
        return self._masked(obj, obj.new_raw_value)
